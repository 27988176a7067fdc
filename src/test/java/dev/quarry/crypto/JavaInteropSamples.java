package dev.quarry.crypto;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.chain.ChainIdentity;
import dev.quarry.chain.subtensor.Era;
import dev.quarry.chain.subtensor.Extrinsics;
import dev.quarry.chain.subtensor.SubtensorCalls;
import dev.quarry.chain.subtensor.TransactionParams;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * Java-made signatures and extrinsics (fresh randomness every run) for checking with polkadot-js
 * and Rust schnorrkel: {@code verify_java.mjs} reads this file. Used by the optional live test and,
 * run as a program, to produce the committed verdict vector.
 */
public final class JavaInteropSamples {

  private JavaInteropSamples() {}

  public static ObjectNode create() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ArrayNode signatures = root.putArray("signatures");
    SecureRandom random = new SecureRandom();
    String[] uris = {"//Alice", "//Quarry//hotkey", "old leopard transfer rib spatial phone calm indicate online fire caution review"};
    for (String uri : uris) {
      Keypair pair = SecretUri.toKeypair(uri);
      for (int length : new int[] {0, 32, 300}) {
        byte[] message = new byte[length];
        random.nextBytes(message);
        signatures.addObject().put("signer", uri.startsWith("//") ? uri : "btwallet test mnemonic")
            .put("public_key_hex", pair.accountId().hex()).put("message_hex", Hex.encode0x(message))
            .put("signature_hex", Hex.encode0x(pair.sign(message)));
      }
    }
    ArrayNode extrinsics = root.putArray("extrinsics");
    byte[] genesis = Hex.decode(ChainIdentity.FINNEY_GENESIS);
    byte[] birthHash = Hex.decode("0xdb13c066e2c63969f140164fb3bfe7a0aaa7b71407fc0fe525d68e57329ef9d0");
    Keypair hotkey = SecretUri.toKeypair("//Quarry//hotkey");
    Era era = Era.mortal(6852690, 64);
    byte[] credentials = ("0123456789abcdef0123456789abcdef" + "AKIAEXAMPLEREADKEY".repeat(2).substring(0, 32) + "s".repeat(64))
        .getBytes(StandardCharsets.US_ASCII);
    List<Object[]> calls = List.of(
        new Object[] {"set_commitment netuid 81 Raw128", SubtensorCalls.setCommitment(81, List.of(credentials)), 3L},
        new Object[] {"serve_axon netuid 81 203.0.113.7:8091", SubtensorCalls.serveAxon(81, 1, InetAddress.getByName("203.0.113.7"), 8091, 4), 4L},
        new Object[] {"set_commitment 3 fields (hashed payload)",
            SubtensorCalls.setCommitment(81, List.of(credentials, credentials, "x".getBytes(StandardCharsets.US_ASCII))), 70000L});
    for (Object[] call : calls) {
      TransactionParams params = new TransactionParams(era, (Long) call[2], 0, 343, 1, genesis, birthHash, null);
      byte[] extrinsic = Extrinsics.signed((byte[]) call[1], hotkey, params);
      ObjectNode entry = extrinsics.addObject().put("what", (String) call[0]).put("extrinsic_hex", Hex.encode0x(extrinsic))
          .put("signer_ss58", hotkey.ss58Address()).put("call_hex", Hex.encode0x((byte[]) call[1]))
          .put("java_payload_hex", Hex.encode0x(Extrinsics.signingPayload((byte[]) call[1], params)));
      entry.putObject("params").put("nonce", (Long) call[2]).put("spec_version", 343).put("transaction_version", 1)
          .put("genesis_hash", ChainIdentity.FINNEY_GENESIS).put("era_block_hash", Hex.encode0x(birthHash))
          .put("era_hex", Hex.encode0x(era.encode()));
    }
    return root;
  }

  public static void main(String[] args) throws Exception {
    Files.writeString(Path.of(args[0]), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(create()));
  }
}
