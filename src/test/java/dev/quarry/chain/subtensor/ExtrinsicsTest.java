package dev.quarry.chain.subtensor;

import static dev.quarry.crypto.TestVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.Sr25519;
import dev.quarry.crypto.TestVectors;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls, eras, signing payloads and whole extrinsics, byte for byte against @polkadot/types. */
class ExtrinsicsTest {

  private static final JsonNode VECTORS = TestVectors.load("extrinsics_spec343.json");

  private static byte[] call(JsonNode vector) throws Exception {
    String name = vector.get("name").asText();
    JsonNode args = vector.get("call").get("args");
    if (name.startsWith("serve_axon")) {
      String ip = switch (name) {
        case "serve_axon_ipv4" -> "192.222.59.109";
        case "serve_axon_ipv6_immortal_tip" -> "2001:db8::1";
        default -> "10.1.2.3";
      };
      return SubtensorCalls.serveAxon(args.get("netuid").asInt(), Long.parseLong(args.get("version").asText().replace(",", "")),
          InetAddress.getByName(ip), Integer.parseInt(args.get("port").asText().replace(",", "")),
          args.get("protocol").asInt());
    }
    List<byte[]> fields = new java.util.ArrayList<>();
    for (JsonNode field : args.get("info").get("fields")) {
      String value = field.properties().iterator().next().getValue().asText();
      fields.add(value.startsWith("0x") ? Hex.decode(value) : value.getBytes(StandardCharsets.UTF_8));
    }
    return SubtensorCalls.setCommitment(args.get("netuid").asInt(), fields);
  }

  private static TransactionParams params(JsonNode vector) {
    JsonNode p = vector.get("params");
    Era era = Era.decode(hex(p.get("era_hex")));
    byte[] metadataHash = p.get("metadata_hash").isNull() ? null : hex(p.get("metadata_hash"));
    return new TransactionParams(era, p.get("nonce").asLong(), p.get("tip").asLong(), p.get("spec_version").asLong(),
        p.get("transaction_version").asLong(), hex(p.get("genesis_hash")), hex(p.get("era_block_hash")), metadataHash);
  }

  @Test
  void callsMatchPolkadotJs() throws Exception {
    for (JsonNode vector : VECTORS.get("extrinsics")) {
      assertThat(Hex.encode0x(call(vector))).as(vector.get("name").asText()).isEqualTo(vector.get("call_hex").asText());
    }
  }

  @Test
  void signingPayloadsMatchPolkadotJs() throws Exception {
    for (JsonNode vector : VECTORS.get("extrinsics")) {
      byte[] payload = Extrinsics.signingPayload(call(vector), params(vector));
      assertThat(Hex.encode0x(payload)).as(vector.get("name").asText()).isEqualTo(vector.get("signing_payload_hex").asText());
      assertThat(payload.length > 256).isEqualTo(vector.get("payload_is_hashed").asBoolean());
      assertThat(Hex.encode0x(Extrinsics.bytesToSign(payload))).isEqualTo(vector.get("signed_bytes_hex").asText());
    }
  }

  @Test
  void wholeExtrinsicsMatchByteForByteWithTheSameSigningRandomness() throws Exception {
    for (JsonNode vector : VECTORS.get("extrinsics")) {
      Keypair signer = Sr25519.fromMiniSecret(hex(vector.get("signer_mini_secret_hex")));
      byte[] random = hex(vector.get("signature_random_hex"));
      byte[] extrinsic = Extrinsics.signed(call(vector), signer.accountId(), message -> Sr25519.sign(signer, message, random), params(vector));
      assertThat(Hex.encode0x(extrinsic)).as(vector.get("name").asText()).isEqualTo(vector.get("extrinsic_hex").asText());
      assertThat(Hex.encode0x(Extrinsics.hash(extrinsic))).isEqualTo(vector.get("extrinsic_hash_hex").asText());
    }
  }

  @Test
  void randomizedSignaturesStillVerifyOverThePayload() throws Exception {
    JsonNode vector = VECTORS.get("extrinsics").get(0);
    Keypair signer = Sr25519.fromMiniSecret(hex(vector.get("signer_mini_secret_hex")));
    byte[] extrinsic = Extrinsics.signed(call(vector), signer, params(vector));
    byte[] expected = hex(vector.get("extrinsic_hex"));
    assertThat(extrinsic).hasSameSizeAs(expected);
    // Same bytes except the 64-byte signature (after length prefix, 0x84, 0x00, 32-byte key, 0x01).
    int prefix = expected.length - 1 > 16383 ? 4 : (expected.length - 1 > 63 ? 2 : 1);
    int signatureStart = prefix + 1 + 1 + 32 + 1;
    assertThat(java.util.Arrays.copyOf(extrinsic, signatureStart)).isEqualTo(java.util.Arrays.copyOf(expected, signatureStart));
    byte[] signature = java.util.Arrays.copyOfRange(extrinsic, signatureStart, signatureStart + 64);
    assertThat(Sr25519.verify(signer.publicKey(), hex(vector.get("signed_bytes_hex")), signature)).isTrue();
  }

  @Test
  void erasMatchSpRuntime() {
    for (JsonNode vector : VECTORS.get("eras")) {
      long current = vector.get("current").asLong();
      Era era = Era.mortal(current, vector.get("period").asLong());
      assertThat(Hex.encode0x(era.encode())).as(vector.toString()).isEqualTo(vector.get("encoded_hex").asText());
      assertThat(Era.decode(era.encode())).isEqualTo(era);
      assertThat(era.period()).isEqualTo(vector.get("period_out").asLong());
      if (era.period() <= 4096) {
        // No phase quantization below 4096 blocks, so polkadot-js and sp_runtime agree on the birth.
        assertThat(era.birth(current)).isEqualTo(vector.get("birth").asLong());
      }
    }
    assertThat(Era.IMMORTAL.encode()).containsExactly(0);
  }
}
