package dev.quarry.crypto.wallet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.Mnemonic;
import dev.quarry.crypto.Sr25519;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The JSON inside btwallet key files. Fields: {@code secretPhrase}, {@code secretSeed}
 * (32-byte mini-secret), {@code privateKey} (64-byte canonical schnorrkel secret), {@code
 * publicKey}, {@code accountId}, {@code ss58Address}. Loading follows btwallet's priority:
 * phrase, then seed, then private key.
 */
final class Keyfiles {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Keyfiles() {}

  static Keypair keypair(byte[] json, Path file) {
    JsonNode node = parse(json, file);
    try {
      String phrase = text(node, "secretPhrase");
      if (phrase != null) {
        return Mnemonic.toKeypair(phrase, "");
      }
      String seed = text(node, "secretSeed");
      if (seed != null) {
        byte[] bytes = Hex.decode(seed, 32, "secretSeed");
        try {
          return Sr25519.fromMiniSecret(bytes);
        } finally {
          Arrays.fill(bytes, (byte) 0);
        }
      }
      String privateKey = text(node, "privateKey");
      if (privateKey != null) {
        byte[] bytes = Hex.decode(privateKey, 64, "privateKey");
        try {
          return Sr25519.fromSecretKey(bytes);
        } finally {
          Arrays.fill(bytes, (byte) 0);
        }
      }
    } catch (IllegalArgumentException invalid) {
      // The messages of our own decoders never contain the secret, so they can be passed on.
      throw new KeyfileException("key file " + file + " holds an invalid secret: " + invalid.getMessage());
    }
    throw new KeyfileException(
        "key file " + file + " holds only a public key (no secretPhrase, secretSeed or privateKey); it cannot sign");
  }

  static AccountId accountId(byte[] json, Path file) {
    JsonNode node = parse(json, file);
    try {
      String publicKey = text(node, "publicKey");
      if (publicKey == null) {
        publicKey = text(node, "accountId");
      }
      AccountId fromHex = publicKey == null ? null : AccountId.fromHex(publicKey);
      String ss58 = text(node, "ss58Address");
      AccountId fromSs58 = ss58 == null ? null : AccountId.fromSs58(ss58);
      if (fromHex != null && fromSs58 != null && !fromHex.equals(fromSs58)) {
        throw new KeyfileException("key file " + file + " is inconsistent: publicKey and ss58Address differ");
      }
      if (fromHex != null) {
        return fromHex;
      }
      if (fromSs58 != null) {
        return fromSs58;
      }
    } catch (IllegalArgumentException invalid) {
      throw new KeyfileException("key file " + file + " holds an invalid public key: " + invalid.getMessage());
    }
    if (node.has("secretPhrase") || node.has("secretSeed") || node.has("privateKey")) {
      return keypair(json, file).accountId();
    }
    throw new KeyfileException("key file " + file + " has no publicKey, accountId or ss58Address");
  }

  /** The key-file JSON btwallet writes for a pair (the secret fields only when given). */
  static byte[] serialize(Keypair keypair, String mnemonic, byte[] miniSecret, boolean includeSecrets) {
    ObjectNode node = MAPPER.createObjectNode();
    String publicHex = keypair.accountId().hex();
    node.put("accountId", publicHex);
    node.put("publicKey", publicHex);
    if (includeSecrets) {
      byte[] secret = keypair.secretKeyBytes();
      node.put("privateKey", Hex.encode0x(secret));
      Arrays.fill(secret, (byte) 0);
      if (mnemonic != null) {
        node.put("secretPhrase", mnemonic);
      }
      if (miniSecret != null) {
        node.put("secretSeed", Hex.encode0x(miniSecret));
      }
    }
    node.put("ss58Address", keypair.ss58Address());
    try {
      return MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException("cannot serialize key file JSON");
    }
  }

  private static JsonNode parse(byte[] json, Path file) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (java.io.IOException malformed) {
      // Jackson's message can quote the offending text, which may be a secret: drop it.
      throw new KeyfileException("key file " + file + " is not valid JSON (is it encrypted in an unsupported format?)");
    }
    if (node == null || !node.isObject()) {
      throw new KeyfileException("key file " + file + " is not a JSON object");
    }
    return node;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
