package dev.quarry.crypto;

import static dev.quarry.crypto.TestVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** BIP39, secret URIs, SS58 and hashes against polkadot-js, substrate-bip39 (wasm) and btwallet. */
class KeysTest {

  private static final JsonNode INTEROP = TestVectors.load("sr25519_interop.json");
  private static final JsonNode FIXTURE = TestVectors.load("keys_mnemonic_ss58.json");
  private static final JsonNode HASHES = TestVectors.load("storage_keys_and_hashes.json");

  @Test
  void wordListIsTheCanonicalBip39EnglishList() throws Exception {
    try (var in = Mnemonic.class.getResourceAsStream("bip39-english.txt")) {
      assertThat(Hex.encode(Hashes.sha256(in.readAllBytes())))
          .isEqualTo("2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
    }
  }

  @Test
  void mnemonicsGiveSubstrateMiniSecrets() {
    for (JsonNode vector : INTEROP.get("mnemonics")) {
      String phrase = vector.get("mnemonic").asText();
      String password = vector.get("password").asText();
      assertThat(Hex.encode0x(Mnemonic.toEntropy(phrase))).isEqualTo(vector.get("entropy_hex").asText());
      assertThat(Hex.encode0x(Mnemonic.toMiniSecret(phrase, password))).isEqualTo(vector.get("mini_secret_hex").asText());
      assertThat(Mnemonic.toKeypair(phrase, password).ss58Address()).isEqualTo(vector.get("ss58").asText());
      assertThat(Mnemonic.fromEntropy(Mnemonic.toEntropy(phrase))).isEqualTo(phrase);
    }
    for (JsonNode vector : FIXTURE.get("mnemonics")) {
      Keypair pair = Mnemonic.toKeypair(vector.get("mnemonic").asText(), "");
      assertThat(pair.accountId().hex()).isEqualTo(vector.get("public_key_hex").asText());
      assertThat(pair.ss58Address()).isEqualTo(vector.get("ss58_prefix42").asText());
    }
  }

  @Test
  void invalidMnemonicsAreRejectedWithoutEchoingWords() {
    for (JsonNode vector : INTEROP.get("invalid_mnemonics")) {
      String phrase = vector.get("mnemonic").asText();
      assertThat(vector.get("valid_by_wasm").asBoolean()).isFalse();
      assertThat(Mnemonic.isValid(phrase)).isFalse();
      assertThatThrownBy(() -> Mnemonic.toEntropy(phrase))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("leopard");
    }
  }

  @Test
  void generatedMnemonicsRoundTrip() {
    SecureRandom random = new SecureRandom();
    for (int words : new int[] {12, 15, 18, 21, 24}) {
      String phrase = Mnemonic.generate(words, random);
      assertThat(phrase.split(" ")).hasSize(words);
      assertThat(Mnemonic.isValid(phrase)).isTrue();
    }
  }

  @Test
  void secretUrisDeriveLikeSpCoreAndPolkadotJs() {
    for (JsonNode vector : INTEROP.get("secret_uris")) {
      Keypair pair = SecretUri.toKeypair(vector.get("uri").asText());
      assertThat(pair.ss58Address()).as(vector.get("uri").asText()).isEqualTo(vector.get("ss58").asText());
    }
    for (JsonNode vector : FIXTURE.get("suri_derivations")) {
      assertThat(SecretUri.toKeypair(vector.get("suri").asText()).accountId().hex())
          .isEqualTo(vector.get("public_key_hex").asText());
    }
    // Soft-derived keys sign with a fresh nonce but are still valid signers.
    Keypair soft = SecretUri.toKeypair("//Alice/soft");
    byte[] signature = soft.sign(new byte[] {1, 2, 3});
    assertThat(Sr25519.verify(soft.publicKey(), new byte[] {1, 2, 3}, signature)).isTrue();
  }

  @Test
  void ss58EncodesAndDecodesEveryFormat() {
    for (JsonNode vector : INTEROP.get("ss58")) {
      byte[] publicKey = hex(vector.get("public_key_hex"));
      int format = vector.get("format").asInt();
      String address = vector.get("address").asText();
      assertThat(Ss58.encode(publicKey, format)).isEqualTo(address);
      Ss58.Decoded decoded = Ss58.decode(address);
      assertThat(decoded.format()).isEqualTo(format);
      assertThat(decoded.accountId().hex()).isEqualTo(vector.get("public_key_hex").asText());
    }
    for (JsonNode vector : FIXTURE.get("ss58_decodes")) {
      assertThat(AccountId.fromSs58(vector.get("ss58").asText()).hex()).isEqualTo(vector.get("public_key_hex").asText());
    }
  }

  @Test
  void badAddressesFailClearly() {
    String alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    String mistyped = alice.substring(0, 10) + (alice.charAt(10) == 'a' ? 'b' : 'a') + alice.substring(11);
    assertThatThrownBy(() -> AccountId.fromSs58(mistyped)).hasMessageContaining("checksum");
    assertThatThrownBy(() -> AccountId.fromSs58("5GrwvaEF0")).hasMessageContaining("not an SS58 address");
    String polkadot = Ss58.encode(AccountId.fromSs58(alice).bytes(), 0);
    assertThatThrownBy(() -> AccountId.fromSs58(polkadot)).hasMessageContaining("format 0");
    assertThat(AccountId.parse(AccountId.fromSs58(alice).hex())).isEqualTo(AccountId.fromSs58(alice));
  }

  @Test
  void hashesMatchPolkadotJs() {
    for (JsonNode vector : INTEROP.get("hashes")) {
      byte[] input = vector.get("input_utf8").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      assertThat(Hex.encode0x(Hashes.blake2b64(input))).isEqualTo(vector.get("blake2_64_hex").asText());
      assertThat(Hex.encode0x(Hashes.blake2b128(input))).isEqualTo(vector.get("blake2_128_hex").asText());
      assertThat(Hex.encode0x(Hashes.blake2b256(input))).isEqualTo(vector.get("blake2_256_hex").asText());
      assertThat(Hex.encode0x(Hashes.blake2b512(input))).isEqualTo(vector.get("blake2_512_hex").asText());
      assertThat(Hex.encode0x(Hashes.twox64(input))).isEqualTo(vector.get("twox64_hex").asText());
      assertThat(Hex.encode0x(Hashes.twox128(input))).isEqualTo(vector.get("twox128_hex").asText());
      assertThat(Hex.encode0x(Hashes.twox256(input))).isEqualTo(vector.get("twox256_hex").asText());
    }
    for (JsonNode vector : HASHES.get("hash_vectors")) {
      byte[] input = vector.get("input_utf8").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      assertThat(Hex.encode0x(Hashes.twox128(input))).isEqualTo(vector.get("twox128_hex").asText());
      assertThat(Hex.encode0x(Hashes.blake2b128(input))).isEqualTo(vector.get("blake2_128_hex").asText());
    }
  }

  @Test
  void hexRejectsGarbageWithoutEchoingIt() {
    assertThatThrownBy(() -> Hex.decode("0xabc")).hasMessageContaining("odd");
    assertThatThrownBy(() -> Hex.decode("0xzz11")).hasMessageNotContaining("zz11");
  }
}
