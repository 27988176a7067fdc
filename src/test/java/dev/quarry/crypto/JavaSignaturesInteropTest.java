package dev.quarry.crypto;

import static dev.quarry.crypto.TestVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.chain.subtensor.Extrinsics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java-made signatures and extrinsics as judged by Rust schnorrkel, @scure/sr25519 and
 * @polkadot/types. The committed vector records a run of {@code verify_java.mjs}; the live test
 * repeats it with fresh signatures when {@code QUARRY_POLKADOT_JS} names a directory whose
 * {@code node_modules} has those packages (CI has no node, so it is skipped there).
 */
class JavaSignaturesInteropTest {

  @Test
  void recordedJavaSignaturesWereAcceptedByRustSchnorrkelAndPolkadotJs() {
    JsonNode verdicts = TestVectors.load("java_signatures_polkadot_verdicts.json");
    assertThat(verdicts.get("signatures")).hasSizeGreaterThanOrEqualTo(9);
    for (JsonNode signature : verdicts.get("signatures")) {
      assertThat(signature.get("rust_schnorrkel_wasm").asBoolean()).isTrue();
      assertThat(signature.get("scure_sr25519").asBoolean()).isTrue();
      assertThat(Sr25519.verify(hex(signature.get("public_key_hex")), hex(signature.get("message_hex")), hex(signature.get("signature_hex"))))
          .isTrue();
    }
    checkExtrinsics(verdicts);
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "QUARRY_POLKADOT_JS", matches = ".+")
  void freshJavaSignaturesVerifyInPolkadotJsNow(@TempDir Path temp) throws Exception {
    Path samples = temp.resolve("samples.json");
    Path out = temp.resolve("verdicts.json");
    Files.writeString(samples, new ObjectMapper().writeValueAsString(JavaInteropSamples.create()));
    Path project = Path.of(System.getProperty("quarry.project.dir", "."));
    Path script = project.resolve("src/test/resources/interop/polkadot-js/verify_java.mjs");
    Path metadata = project.resolve("src/test/resources/vectors/chain/finney_metadata_v14_spec343.json");
    Process node = new ProcessBuilder("node", script.toString(), samples.toString(), metadata.toString(), out.toString())
        .directory(Path.of(System.getenv("QUARRY_POLKADOT_JS")).toFile()).redirectErrorStream(true).start();
    String output = new String(node.getInputStream().readAllBytes());
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    JsonNode verdicts = new ObjectMapper().readTree(out.toFile());
    for (JsonNode signature : verdicts.get("signatures")) {
      assertThat(signature.get("rust_schnorrkel_wasm").asBoolean()).isTrue();
      assertThat(signature.get("scure_sr25519").asBoolean()).isTrue();
    }
    checkExtrinsics(verdicts);
  }

  private static void checkExtrinsics(JsonNode verdicts) {
    assertThat(verdicts.get("extrinsics")).hasSizeGreaterThanOrEqualTo(3);
    for (JsonNode extrinsic : verdicts.get("extrinsics")) {
      assertThat(extrinsic.get("signature_valid_rust_schnorrkel_wasm").asBoolean()).isTrue();
      assertThat(extrinsic.get("signature_valid_scure_sr25519").asBoolean()).isTrue();
      assertThat(extrinsic.get("polkadot_js_payload_hex").asText()).isEqualTo(extrinsic.get("java_payload_hex").asText());
      Extrinsics.Decoded decoded = Extrinsics.decode(hex(extrinsic.get("extrinsic_hex")));
      JsonNode seen = extrinsic.get("decoded");
      assertThat(decoded.signer().ss58()).isEqualTo(seen.get("signer_ss58").asText());
      assertThat(decoded.nonce()).isEqualTo(seen.get("nonce").asLong());
      assertThat(Hex.encode0x(decoded.era().encode())).isEqualTo(seen.get("era").asText());
      assertThat(Hex.encode0x(decoded.call())).isEqualTo(extrinsic.get("call_hex").asText());
    }
  }
}
