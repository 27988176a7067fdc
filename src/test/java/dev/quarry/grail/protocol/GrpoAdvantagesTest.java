package dev.quarry.grail.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GrpoAdvantagesTest {

  private static final JsonNode VECTORS = Vectors.load("advantages.json");

  @Test
  void advantagesMatchComputeAdvantagesBitForBit() {
    int count = 0;
    for (JsonNode testCase : VECTORS.get("advantages")) {
      double[] advantages = GrpoAdvantages.compute(Vectors.pyFloats(testCase.get("rewards")));
      JsonNode expected = testCase.get("advantages");
      assertThat(advantages).hasSize(expected.size());
      for (int i = 0; i < advantages.length; i++) {
        assertThat(PythonFloats.repr(advantages[i])).as("%s [%d]", testCase.get("rewards"), i).isEqualTo(expected.get(i).asText());
      }
      count++;
    }
    assertThat(count).isGreaterThan(170);
  }

  @Test
  void groupChecksMatchTheValidator() {
    for (JsonNode testCase : VECTORS.get("group_checks")) {
      GrpoAdvantages.GroupCheck check = GrpoAdvantages.check(Vectors.pyFloats(testCase.get("rewards")), Vectors.pyFloats(testCase.get("advantages")));
      assertThat(check.valid()).as(testCase.get("variant").asText()).isEqualTo(testCase.get("valid").asBoolean());
      assertThat(check.reason() == null).isEqualTo(check.valid());
    }
  }

  @Test
  void advantagesSumToZeroWithUnitPopulationVarianceAndPassTheCheck() {
    Random random = new Random(13);
    for (int trial = 0; trial < 2000; trial++) {
      double[] rewards = new double[16];
      for (int i = 0; i < rewards.length; i++) {
        rewards[i] = random.nextInt(4) == 0 ? random.nextGaussian() * 3 : random.nextInt(3) * 0.5;
      }
      double[] advantages = GrpoAdvantages.compute(rewards);
      double sum = 0;
      double squares = 0;
      boolean allEqual = true;
      for (int i = 0; i < 16; i++) {
        sum += advantages[i];
        squares += advantages[i] * advantages[i];
        allEqual &= rewards[i] == rewards[0];
      }
      assertThat(sum).isCloseTo(0.0, offset(1e-9));
      if (!allEqual) {
        assertThat(squares / 16).isCloseTo(1.0, offset(1e-9));
      }
      assertThat(GrpoAdvantages.check(rewards, advantages).valid()).isTrue();
      // Shifting or scaling every reward leaves the advantages unchanged.
      double[] shifted = rewards.clone();
      for (int i = 0; i < 16; i++) {
        shifted[i] = rewards[i] * 2 + 5;
      }
      double[] again = GrpoAdvantages.compute(shifted);
      for (int i = 0; i < 16; i++) {
        assertThat(again[i]).isCloseTo(advantages[i], offset(1e-6));
      }
    }
  }

  @Test
  void aGroupOfFifteenIsRejected() {
    assertThat(GrpoAdvantages.check(new double[15], new double[15]).valid()).isFalse();
  }
}
