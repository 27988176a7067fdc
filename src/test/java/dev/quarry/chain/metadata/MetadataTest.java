package dev.quarry.chain.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.chain.scale.ScaleReader;
import dev.quarry.chain.subtensor.RuntimeCompatibility;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.TestVectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recorded finney spec-343 metadata: parsing, lookups, and the compatibility check. */
class MetadataTest {

  static final RuntimeMetadata FINNEY = MetadataParser.parse(
      Hex.decode(TestVectors.load("finney_metadata_v14_spec343.json").get("metadata_hex").asText()));

  @Test
  void parsesFinneyMetadata() {
    assertThat(FINNEY.version()).isEqualTo(14);
    assertThat(FINNEY.types().size()).isGreaterThan(500);
    assertThat(FINNEY.pallet("SubtensorModule").orElseThrow().index()).isEqualTo(7);
    assertThat(FINNEY.pallet("Commitments").orElseThrow().index()).isEqualTo(18);
    assertThat(FINNEY.call("SubtensorModule", "serve_axon").orElseThrow().index()).isEqualTo(4);
    assertThat(FINNEY.call("SubtensorModule", "burned_register").orElseThrow().index()).isEqualTo(7);
    assertThat(FINNEY.call("SubtensorModule", "commit_weights").orElseThrow().index()).isEqualTo(96);
    assertThat(FINNEY.errorName(7, TestVectors.load("events_spec343.json").get("serving_rate_limit_error_index").asInt()))
        .contains("SubtensorModule.ServingRateLimitExceeded");
    assertThat(FINNEY.extrinsic().signedExtensions()).extracting(RuntimeMetadata.SignedExtension::identifier)
        .contains("CheckMortality", "CheckNonce", "ChargeTransactionPayment", "CheckMetadataHash", "SubtensorTransactionExtension");
  }

  @Test
  void systemVersionConstantSaysSpec343() {
    RuntimeMetadata.Constant version = FINNEY.pallet("System").orElseThrow().constants().stream()
        .filter(constant -> constant.name().equals("Version")).findFirst().orElseThrow();
    Object decoded = new ScaleValueDecoder(FINNEY.types()).decode(version.type(), new ScaleReader(version.value()));
    java.util.Map<?, ?> runtimeVersion = (java.util.Map<?, ?>) decoded;
    assertThat(runtimeVersion.get("spec_name")).isEqualTo("node-subtensor");
    assertThat(((Number) runtimeVersion.get("spec_version")).longValue()).isEqualTo(343);
    assertThat(((Number) runtimeVersion.get("transaction_version")).longValue()).isEqualTo(1);
  }

  @Test
  void everyStorageDefaultDecodesWithTheRegistry() {
    // A broad self-check of the generic decoder: each item's default value must decode exactly.
    ScaleValueDecoder decoder = new ScaleValueDecoder(FINNEY.types());
    int checked = 0;
    for (RuntimeMetadata.Pallet pallet : FINNEY.pallets()) {
      for (RuntimeMetadata.StorageEntry entry : pallet.storage()) {
        if (entry.optional()) {
          continue;
        }
        ScaleReader in = new ScaleReader(entry.defaultValue());
        decoder.decode(entry.valueType(), in);
        in.expectEnd(pallet.name() + "." + entry.name());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(200);
  }

  @Test
  void finneySpec343IsCompatible() {
    assertThat(RuntimeCompatibility.problems(FINNEY)).isEmpty();
  }

  @Test
  void movedIndicesAndNewExtensionsAreReported() {
    List<RuntimeMetadata.Pallet> pallets = new ArrayList<>();
    for (RuntimeMetadata.Pallet pallet : FINNEY.pallets()) {
      pallets.add(pallet.name().equals("Commitments")
          ? new RuntimeMetadata.Pallet(pallet.name(), 42, pallet.storagePrefix(), pallet.storage(), pallet.callType(),
              pallet.eventType(), pallet.errorType(), pallet.constants())
          : pallet);
    }
    List<RuntimeMetadata.SignedExtension> extensions = new ArrayList<>(FINNEY.extrinsic().signedExtensions());
    RuntimeMetadata.SignedExtension nonce = extensions.stream().filter(e -> e.identifier().equals("CheckNonce")).findFirst().orElseThrow();
    extensions.add(new RuntimeMetadata.SignedExtension("NewFeeThing", nonce.type(), nonce.additionalSigned()));
    RuntimeMetadata moved = new RuntimeMetadata(14, FINNEY.types(), pallets,
        new RuntimeMetadata.Extrinsic(FINNEY.extrinsic().type(), 4, extensions));
    assertThat(RuntimeCompatibility.problems(moved))
        .anyMatch(problem -> problem.contains("Commitments has index 42, expected 18"))
        .anyMatch(problem -> problem.contains("NewFeeThing"));
  }

  @Test
  void rejectsNonMetadata() {
    assertThatThrownBy(() -> MetadataParser.parse(Hex.decode("0x00112233445566"))).isInstanceOf(MetadataException.class)
        .hasMessageContaining("magic");
    byte[] truncated = java.util.Arrays.copyOf(Hex.decode(TestVectors.load("finney_metadata_v14_spec343.json").get("metadata_hex").asText()), 5000);
    assertThatThrownBy(() -> MetadataParser.parse(truncated)).isInstanceOf(MetadataException.class).hasMessageContaining("malformed");
  }
}
