package dev.quarry.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.python.PythonFloats;
import dev.quarry.validator.checks.CopycatTracker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rolling state (bans, availability, selection, metrics) and the weights computed from it. */
class ValidatorStateTest {

  @TempDir Path directory;

  @Test
  void weightsFromTheStateMatchTheReferenceWeightComputer() throws Exception {
    JsonNode vectors;
    try (InputStream in = getClass().getResourceAsStream("/vectors/protocol/validator.json")) {
      vectors = new ObjectMapper().readTree(in);
    }
    ProtocolParameters capped = ProtocolParameters.v5();
    ProtocolParameters.Incentive incentive = capped.incentive();
    ProtocolParameters uncapped = new ProtocolParameters(capped.proof(), capped.windows(), capped.rollouts(), capped.validation(),
        new ProtocolParameters.Incentive(incentive.superlinearExponent(), incentive.uniqueRolloutsCap(), false,
            incentive.burnUid(), incentive.burnPercentage(), incentive.rollingWindows(), incentive.weightIntervalBlocks(),
            incentive.trainerUid()));
    int scenarios = 0;
    for (JsonNode scenario : vectors.get("weights")) {
      ProtocolParameters parameters = scenario.get("mode").asText().equals("capped") ? capped : uncapped;
      ValidatorState state = new ValidatorState(12, 30, 14);
      List<ChainView.Neuron> neurons = new ArrayList<>();
      List<Set<String>> availability = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        availability.add(new HashSet<>());
      }
      TreeMap<Long, Map<String, ValidatorState.WindowMetrics>> byWindow = new TreeMap<>();
      for (JsonNode miner : scenario.get("miners")) {
        String hotkey = miner.get("hotkey").asText();
        neurons.add(new ChainView.Neuron(miner.get("uid").asInt(), hotkey));
        for (int i = 0; i < miner.get("active_windows").asInt(); i++) {
          availability.get(i).add(hotkey);
        }
        miner.get("windows").fields().forEachRemaining(window -> byWindow
            .computeIfAbsent(Long.parseLong(window.getKey()), key -> new TreeMap<>())
            .put(hotkey, new ValidatorState.WindowMetrics(0, 0, 0, 0, 0, window.getValue().get("estimated_unique").asLong(),
                window.getValue().get("had_failure").asInt() == 1)));
      }
      availability.forEach(state::recordAvailability);
      byWindow.forEach((window, metrics) -> metrics.forEach((hotkey, m) -> state.recordMetrics(window, hotkey, m)));

      WeightsReport report = WeightsReport.compute(state, neurons, scenario.get("target_window").asLong(), parameters);

      List<String> weights = report.entries().stream().map(entry -> PythonFloats.repr(entry.weight())).toList();
      List<String> expected = new ArrayList<>();
      scenario.get("weights").forEach(weight -> expected.add(weight.asText()));
      assertThat(weights).as(scenario.get("mode").asText() + " " + neurons.size()).containsExactlyElementsOf(expected);
      scenarios++;
    }
    assertThat(scenarios).isEqualTo(16);
  }

  @Test
  void theBanLastsTheLookbackAndTheStateRoundTrips() throws Exception {
    ValidatorOptions options = ValidatorOptions.defaults().withFailureLookback(2);
    ValidatorState state = ValidatorState.fresh(options);
    state.recordAvailability(Set.of("a", "b"));
    state.recordSelection(Set.of("a"));
    state.recordFailures(Set.of("a"));
    state.recordMetrics(60, "a", new ValidatorState.WindowMetrics(16, 16, 0, 0, 0, 0, true));
    state.recordMetrics(60, "b", new ValidatorState.WindowMetrics(32, 16, 16, 32, 3, 30, false));
    state.windowProcessed(60);
    state.copycat().resetInterval(0);
    state.copycat().ingest(60, Map.of("a", new CopycatTracker.Submission(Map.of("d", 2), 16, 1.5),
        "b", new CopycatTracker.Submission(Map.of("d", 1), 32, 2.5)));
    Path file = directory.resolve("nested").resolve("state.json");
    state.save(file);

    ValidatorState loaded = ValidatorState.load(file, options);
    assertThat(loaded.failureCount("a")).isEqualTo(1);
    assertThat(loaded.availabilityCount("b")).isEqualTo(1);
    assertThat(loaded.selectionCounts()).isEqualTo(Map.of("a", 1));
    assertThat(loaded.metrics("b")).isEqualTo(state.metrics("b"));
    assertThat(loaded.windowsProcessed()).isEqualTo(1);
    assertThat(loaded.lastWindow()).isEqualTo(60L);
    assertThat(loaded.copycat().snapshot()).isEqualTo(state.copycat().snapshot());
    assertThat(loaded.copycat().snapshot().pairOverlap()).isEqualTo(Map.of("a|b", 1L));

    loaded.recordFailures(Set.of());
    assertThat(loaded.failureCount("a")).as("still within the 2-window lookback").isEqualTo(1);
    loaded.recordFailures(Set.of());
    assertThat(loaded.failureCount("a")).isZero();

    ValidatorState shorter = ValidatorState.load(file, options.withFailureLookback(1));
    assertThat(shorter.failureCount("a")).isEqualTo(1);
    shorter.recordFailures(Set.of());
    assertThat(shorter.failureCount("a")).isZero();
  }

  @Test
  void metricsOutsideTheRollingWindowsAreForgotten() {
    ValidatorState state = new ValidatorState(12, 30, 14);
    state.recordMetrics(0, "a", new ValidatorState.WindowMetrics(1, 1, 1, 1, 0, 1, false));
    state.recordMetrics(330, "a", new ValidatorState.WindowMetrics(1, 1, 1, 1, 0, 1, false));
    assertThat(state.metrics("a")).containsOnlyKeys(0L, 330L);
    state.recordMetrics(360, "a", new ValidatorState.WindowMetrics(1, 1, 1, 1, 0, 1, false));
    assertThat(state.metrics("a")).containsOnlyKeys(330L, 360L);
  }

  @Test
  void aBrokenStateFileSaysHowToRecover() throws Exception {
    Path file = directory.resolve("state.json");
    Files.writeString(file, "{\"format\": \"something else\"}");
    assertThatThrownBy(() -> ValidatorState.load(file, ValidatorOptions.defaults()))
        .hasMessage(file + " is not a validator state file (format must be quarry-validator-state/1); move it away to start "
            + "with a fresh history");
    assertThat(ValidatorState.load(directory.resolve("absent.json"), ValidatorOptions.defaults()).windowsProcessed()).isZero();
  }
}
