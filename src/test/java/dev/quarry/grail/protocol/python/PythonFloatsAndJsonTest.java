package dev.quarry.grail.protocol.python;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.Vectors;
import java.math.BigInteger;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PythonFloatsAndJsonTest {

  @Test
  void reprMatchesCPythonForEdgeAndRandomDoubles() {
    JsonNode vectors = Vectors.load("python_json.json");
    int count = 0;
    for (JsonNode testCase : vectors.get("float_reprs")) {
      double value = Double.longBitsToDouble(new BigInteger(testCase.get("bits").asText(), 16).longValue());
      assertThat(PythonFloats.repr(value)).as(testCase.get("bits").asText()).isEqualTo(testCase.get("repr").asText());
      count++;
    }
    assertThat(count).isGreaterThan(700);
  }

  @Test
  void reprReadsBackExactly() {
    Random random = new Random(5);
    for (int i = 0; i < 20000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (!Double.isFinite(value)) {
        continue;
      }
      assertThat(Double.parseDouble(PythonFloats.repr(value))).isEqualTo(value);
    }
  }

  @Test
  void fastShortestDigitsAgreeWithTheDefinition() {
    Random random = new Random(19);
    for (int i = 0; i < 60000; i++) {
      double value = switch (i % 4) {
        case 0 -> Double.longBitsToDouble(random.nextLong() & 0x7fffffffffffffffL);
        case 1 -> Math.abs((double) (float) (random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10)));
        case 2 -> Math.scalb(1.0, random.nextInt(2098) - 1074);
        default -> Math.abs(random.nextGaussian() * 3);
      };
      if (!Double.isFinite(value) || value == 0.0) {
        continue;
      }
      assertThat(PythonFloats.shortestDigits(value)).as("%s", Double.doubleToRawLongBits(value))
          .isEqualTo(PythonFloats.shortestDigitsByDefinition(value));
    }
  }

  @Test
  void jsonRenderingsMatchJsonDumps() {
    JsonNode vectors = Vectors.load("python_json.json");
    for (JsonNode testCase : vectors.get("documents")) {
      Object document = Vectors.plain(readJson(testCase.get("document_json").asText()));
      assertThat(PythonJson.dumps(document, PythonJson.Style.DEFAULT)).isEqualTo(testCase.get("default").asText());
      assertThat(PythonJson.dumps(document, PythonJson.Style.COMPACT_SORTED)).isEqualTo(testCase.get("compact_sorted").asText());
      assertThat(PythonJson.dumps(document, PythonJson.Style.COMPACT_UNICODE)).isEqualTo(testCase.get("compact_unicode").asText());
    }
  }

  @Test
  void sumFollowsCPython312() {
    JsonNode vectors = Vectors.load("advantages.json");
    for (JsonNode testCase : vectors.get("sums")) {
      double[] values = Vectors.pyFloats(testCase.get("values"));
      if (values.length == 0) {
        assertThat(testCase.get("sum").asText()).isEqualTo("0"); // Python's int 0: nothing was added
        assertThat(PythonFloats.sum(values)).isZero();
        continue;
      }
      assertThat(PythonFloats.repr(PythonFloats.sum(values))).as(testCase.get("values").toString()).isEqualTo(testCase.get("sum").asText());
    }
  }

  @Test
  void fsumIsExactlyRounded() {
    // Values from CPython's math.fsum.
    assertThat(PythonFloats.fsum(new double[] {0.1, 0.2, 0.3, -0.6})).isEqualTo(2.7755575615628914e-17);
    assertThat(PythonFloats.fsum(new double[] {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1})).isEqualTo(1.0);
    assertThat(PythonFloats.fsum(new double[] {1e100, 1.0, -1e100})).isEqualTo(1.0);
    assertThat(PythonFloats.fsum(new double[] {})).isEqualTo(0.0);
  }

  @Test
  void parseAcceptsPythonFloatSyntaxOnly() {
    Map<String, Double> accepted = Map.of("1_000", 1000.0, " 5. ", 5.0, "+.5", 0.5, "1e3", 1000.0, "-INF", Double.NEGATIVE_INFINITY,
        "\u0663", 3.0, "infinity", Double.POSITIVE_INFINITY, "1E-2", 0.01);
    accepted.forEach((text, value) -> assertThat(PythonFloats.parse(text)).as(text).isEqualTo(value));
    assertThat(PythonFloats.parse("nan")).isNaN();
    for (String rejected : new String[] {"", "1__0", "_1", "1_", "0x10", "1d", "1f", "e5", ".", "1/2", "\\frac{1}{2}", "1e", "--1"}) {
      assertThat(PythonFloats.parse(rejected)).as(rejected).isNull();
    }
  }

  private static JsonNode readJson(String text) {
    try {
      return Vectors.mapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
