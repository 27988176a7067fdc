package dev.quarry.grail.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightsTest {

  private static final JsonNode VECTORS = Vectors.load("validator.json");

  @Test
  void weightsMatchComputeWeightsBitForBit() {
    ProtocolParameters capped = ProtocolParameters.v5();
    ProtocolParameters.Incentive incentive = capped.incentive();
    ProtocolParameters uncapped = new ProtocolParameters(capped.proof(), capped.windows(), capped.rollouts(), capped.validation(),
        new ProtocolParameters.Incentive(incentive.superlinearExponent(), incentive.uniqueRolloutsCap(), false, incentive.burnUid(),
            incentive.burnPercentage(), incentive.rollingWindows(), incentive.weightIntervalBlocks(), incentive.trainerUid()));
    int cases = 0;
    for (JsonNode testCase : VECTORS.get("weights")) {
      List<Weights.MinerHistory> metagraph = new ArrayList<>();
      for (JsonNode miner : testCase.get("miners")) {
        Map<Long, Weights.WindowMetrics> windows = new HashMap<>();
        miner.get("windows").fields().forEachRemaining(entry -> windows.put(Long.parseLong(entry.getKey()),
            new Weights.WindowMetrics(entry.getValue().get("estimated_unique").asLong(), entry.getValue().get("had_failure").asInt() == 1)));
        metagraph.add(new Weights.MinerHistory(miner.get("hotkey").asText(), miner.get("uid").asInt(), miner.get("active_windows").asInt(), windows));
      }
      Weights weights = new Weights(testCase.get("mode").asText().equals("capped") ? capped : uncapped);
      Weights.Result result = weights.compute(metagraph, testCase.get("target_window").asLong());
      JsonNode expected = testCase.get("weights");
      for (int i = 0; i < metagraph.size(); i++) {
        assertThat(PythonFloats.repr(result.weights()[i])).as("case %d miner %d", cases, i).isEqualTo(expected.get(i).asText());
      }
      List<String> nonZero = new ArrayList<>();
      for (int index : result.nonZero()) {
        nonZero.add(metagraph.get(index).hotkey() + "=" + PythonFloats.repr(result.weights()[index]));
      }
      List<String> expectedNonZero = new ArrayList<>();
      testCase.get("non_zero").forEach(pair -> expectedNonZero.add(pair.get(0).asText() + "=" + pair.get(1).asText()));
      assertThat(nonZero).containsExactlyInAnyOrderElementsOf(expectedNonZero);
      cases++;
    }
    assertThat(cases).isEqualTo(16);
  }

  @Test
  void weightsAreANonNegativeDistributionWithTheBurnTakingAtLeastNinetyPercent() {
    Random random = new Random(17);
    Weights weights = Weights.v5();
    for (int trial = 0; trial < 200; trial++) {
      List<Weights.MinerHistory> metagraph = new ArrayList<>();
      int n = 1 + random.nextInt(30);
      for (int uid = 0; uid < n; uid++) {
        Map<Long, Weights.WindowMetrics> windows = new HashMap<>();
        for (long window = 30_000 - 11 * 30; window <= 30_000; window += 30) {
          if (random.nextBoolean()) {
            windows.put(window, new Weights.WindowMetrics(random.nextInt(20_000), random.nextInt(20) == 0));
          }
        }
        metagraph.add(new Weights.MinerHistory("hk" + uid, uid, random.nextInt(13), windows));
      }
      double[] result = weights.compute(metagraph, 30_000).weights();
      double total = 0;
      for (double weight : result) {
        assertThat(weight).isGreaterThanOrEqualTo(0.0);
        total += weight;
      }
      assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(result[0]).isGreaterThanOrEqualTo(0.9 - 1e-12);
    }
  }
}
