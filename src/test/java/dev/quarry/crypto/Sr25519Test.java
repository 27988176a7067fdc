package dev.quarry.crypto;

import static dev.quarry.crypto.TestVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** sr25519 against Rust schnorrkel (wasm), @scure/sr25519, polkadot-js and sp-core vectors. */
class Sr25519Test {

  private static final JsonNode INTEROP = TestVectors.load("sr25519_interop.json");
  private static final JsonNode FIXTURE = TestVectors.load("keys_mnemonic_ss58.json");

  @Test
  void merlinTranscriptsMatchTheMerlinCrateSequence() {
    for (JsonNode vector : INTEROP.get("merlin_transcripts")) {
      MerlinTranscript transcript = new MerlinTranscript(vector.get("label").asText());
      int output = 0;
      for (JsonNode op : vector.get("ops")) {
        if (op.get(0).asText().equals("append")) {
          transcript.appendMessage(op.get(1).asText(), hex(op.get(2)));
        } else {
          byte[] challenge = transcript.challengeBytes(op.get(1).asText(), op.get(2).asInt());
          assertThat(Hex.encode0x(challenge)).isEqualTo(vector.get("outputs").get(output++).asText());
        }
      }
      assertThat(output).isEqualTo(vector.get("outputs").size());
    }
  }

  @Test
  void keccakPermutationIsTheOneUnderSha3() {
    // SHA3-256 of "abc" through a one-block sponge built on our permutation.
    byte[] state = new byte[200];
    byte[] message = "abc".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < message.length; i++) {
      state[i] ^= message[i];
    }
    state[message.length] ^= 0x06;
    state[135] ^= (byte) 0x80;
    KeccakPermutation.permute(state);
    byte[] expected = new org.bouncycastle.jcajce.provider.digest.SHA3.Digest256().digest(message);
    assertThat(java.util.Arrays.copyOf(state, 32)).isEqualTo(expected);
  }

  @Test
  void publicKeysFromMiniSecretsMatchSchnorrkelAndSpCore() {
    for (JsonNode vector : INTEROP.get("keys_from_mini_secret")) {
      Keypair pair = Sr25519.fromMiniSecret(hex(vector.get("mini_secret_hex")));
      assertThat(pair.accountId().hex()).isEqualTo(vector.get("public_key_hex").asText());
      assertThat(pair.ss58Address()).isEqualTo(vector.get("ss58").asText());
      // The ed25519-form secret that Rust schnorrkel exports loads back to the same pair.
      Keypair fromEd25519 = Sr25519.fromEd25519SecretKey(hex(vector.get("secret_key_ed25519_form_hex")));
      assertThat(fromEd25519).isEqualTo(pair);
    }
    for (JsonNode vector : FIXTURE.get("mini_secret_seeds")) {
      assertThat(Sr25519.fromMiniSecret(hex(vector.get("mini_secret_hex"))).accountId().hex())
          .isEqualTo(vector.get("public_key_hex").asText());
    }
  }

  @Test
  void btwalletPrivateKeyIsTheCanonicalSecretKey() {
    JsonNode vector = FIXTURE.get("mnemonics").get(0);
    Keypair pair = Sr25519.fromMiniSecret(hex(vector.get("mini_secret_hex")));
    String canonical = vector.get("secret_key_schnorrkel_canonical_hex (btwallet privateKey field, sp_core Pair::to_raw_vec)").asText();
    assertThat(Hex.encode0x(pair.secretKeyBytes())).isEqualTo(canonical);
    assertThat(Sr25519.fromSecretKey(Hex.decode(canonical))).isEqualTo(pair);
    String ed25519Form = vector.get("secret_key_ed25519_form_hex (polkadot-js / schnorrkel to_ed25519_bytes; first 32 bytes = canonical scalar * 8)").asText();
    assertThat(Sr25519.fromEd25519SecretKey(Hex.decode(ed25519Form))).isEqualTo(pair);
    // The ed25519 form is not a canonical scalar, so mixing the two forms up fails loudly.
    assertThatThrownBy(() -> Sr25519.fromSecretKey(Hex.decode(ed25519Form)))
        .hasMessageContaining("not canonical")
        .hasMessageNotContaining(ed25519Form.substring(2, 12));
  }

  @Test
  void signingWithGivenRandomnessReproducesScureSignaturesByteForByte() {
    for (JsonNode vector : INTEROP.get("deterministic_signatures")) {
      Keypair pair = Sr25519.fromMiniSecret(hex(vector.get("mini_secret_hex")));
      byte[] signature = Sr25519.sign(pair, hex(vector.get("message_hex")), hex(vector.get("random_hex")));
      assertThat(Hex.encode0x(signature)).isEqualTo(vector.get("signature_hex").asText());
    }
  }

  @Test
  void verifiesRustAndPolkadotJsSignaturesAndRejectsTamperedOnes() {
    int valid = 0;
    int rejected = 0;
    for (JsonNode vector : INTEROP.get("signatures")) {
      boolean result = Sr25519.verify(hex(vector.get("public_key_hex")), hex(vector.get("message_hex")), hex(vector.get("signature_hex")));
      assertThat(result).as(vector.toString()).isEqualTo(vector.get("valid").asBoolean());
      if (result) {
        valid++;
      } else {
        rejected++;
      }
    }
    assertThat(valid).isGreaterThanOrEqualTo(12);
    assertThat(rejected).isGreaterThanOrEqualTo(60);
  }

  @Test
  void bytesWrappedSignaturesVerifyOnlyWithTheRetry() {
    for (JsonNode vector : INTEROP.get("bytes_wrapped_signatures")) {
      byte[] publicKey = hex(vector.get("public_key_hex"));
      byte[] message = hex(vector.get("message_hex"));
      byte[] signature = hex(vector.get("signature_hex"));
      assertThat(Sr25519.verify(publicKey, message, signature)).isFalse();
      assertThat(Sr25519.verifyAllowingBytesWrapper(publicKey, message, signature)).isTrue();
      assertThat(Sr25519.verify(publicKey, hex(vector.get("wrapped_message_hex")), signature)).isTrue();
    }
  }

  @Test
  void ownSignaturesVerifyAndAreRandomized() {
    Keypair pair = SecretUri.dev("Alice");
    byte[] message = "window 1234".getBytes(StandardCharsets.UTF_8);
    byte[] first = pair.sign(message);
    byte[] second = pair.sign(message);
    assertThat(first).isNotEqualTo(second);
    assertThat(pair.verify(message, first)).isTrue();
    assertThat(pair.verify(message, second)).isTrue();
    assertThat(pair.verify("window 1235".getBytes(StandardCharsets.UTF_8), first)).isFalse();
    assertThat(Sr25519.verify(pair.publicKey(), message, new byte[63])).isFalse();
    assertThat(Sr25519.verify(new byte[32], message, first)).isFalse();
  }

  @Test
  void toStringShowsOnlyTheAddress() {
    Keypair pair = SecretUri.dev("Alice");
    assertThat(pair.toString()).isEqualTo("Keypair[5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY]");
    String secretHex = Hex.encode(pair.secretKeyBytes());
    assertThat(pair.toString()).doesNotContain(secretHex.substring(0, 16));
  }
}
