package dev.quarry.blockzero;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.config.ConfigurationError;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.model.DeviceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** QUARRY_BLOCKZERO_* are read with the reference's defaults, every problem reported at once, secrets redacted. */
class BlockZeroSettingsTest {

  private static BlockZeroSettings load(Map<String, String> values) {
    return BlockZeroSettings.from(OperatorEnvironment.of(values), Path.of("/data"));
  }

  @Test
  void defaultsAreTheReferences() {
    BlockZeroSettings settings = load(Map.of());
    assertThat(settings.netuid()).isEqualTo(348);
    assertThat(settings.phaseService().toString()).isEqualTo("http://149.137.225.62:7000");
    assertThat(settings.training()).isEqualTo(new BlockZeroSettings.Training(2e-5, 600, 88_000, 5, 2, 100, 1));
    assertThat(settings.checkpointInterval()).isEqualTo(20);
    assertThat(settings.checkpointKeep()).isEqualTo(5);
    assertThat(settings.root()).isEqualTo(Path.of("/data/blockzero"));
    assertThat(settings.run()).isEqualTo("foundation");
    assertThat(settings.devices()).containsExactly(DeviceSpec.cpu());
    assertThat(settings.blockTime()).isEqualTo(Duration.ofSeconds(12));
    assertThat(settings.axon()).isEmpty();
  }

  @Test
  void readsValuesAndRedactsTheToken() {
    BlockZeroSettings settings = load(Map.of("QUARRY_BLOCKZERO_NETUID", "8", "QUARRY_BLOCKZERO_PHASE_SERVICE", "http://owner.example:7000/",
        "QUARRY_BLOCKZERO_DEVICES", "cuda:0, cuda:1", "QUARRY_BLOCKZERO_DATA_SHARD", "3/10", "QUARRY_BLOCKZERO_AXON", "203.0.113.7:8000",
        "QUARRY_BLOCKZERO_VALIDATOR_TOKEN", "very-secret-token", "QUARRY_BLOCKZERO_BLOCK_SECONDS", "0.5"));
    assertThat(settings.netuid()).isEqualTo(8);
    assertThat(settings.phaseService().toString()).isEqualTo("http://owner.example:7000");
    assertThat(settings.devices()).containsExactly(DeviceSpec.cuda(0), DeviceSpec.cuda(1));
    assertThat(settings.shard().includes(13)).isTrue();
    assertThat(settings.shard().includes(14)).isFalse();
    assertThat(settings.axon()).hasValue(new BlockZeroSettings.HostPort("203.0.113.7", 8000));
    assertThat(settings.blockTime()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.toString()).doesNotContain("very-secret-token");
    assertThat(settings.validatorToken().orElseThrow().reveal()).isEqualTo("very-secret-token");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> load(Map.of("QUARRY_BLOCKZERO_NETUID", "x", "QUARRY_BLOCKZERO_DEVICES", "cpu,tpu",
        "QUARRY_BLOCKZERO_DATA_SHARD", "5/2", "QUARRY_BLOCKZERO_LR", "fast", "QUARRY_BLOCKZERO_PHASE_SERVICE", "ftp://x",
        "QUARRY_BLOCKZERO_AXON", "nowhere", "QUARRY_BLOCKZERO_VALIDATOR_TOKEN", "hidden-value")))
        .isInstanceOf(ConfigurationError.class)
        .satisfies(error -> {
          List<ConfigurationError.Problem> problems = ((ConfigurationError) error).problems();
          assertThat(problems).extracting(problem -> problem.subject().split(" ")[0]).contains("QUARRY_BLOCKZERO_NETUID",
              "QUARRY_BLOCKZERO_DEVICES", "QUARRY_BLOCKZERO_DATA_SHARD", "QUARRY_BLOCKZERO_LR", "QUARRY_BLOCKZERO_PHASE_SERVICE",
              "QUARRY_BLOCKZERO_AXON");
          assertThat(error.getMessage()).doesNotContain("hidden-value");
        });
    assertThatThrownBy(() -> load(Map.of()).requireTrainingInputs()).isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("QUARRY_BLOCKZERO_MODEL").hasMessageContaining("QUARRY_BLOCKZERO_DATASET");
  }
}
