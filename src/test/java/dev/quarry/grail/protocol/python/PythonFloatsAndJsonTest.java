package dev.quarry.grail.protocol.python;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.Vectors;
import java.math.BigInteger;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PythonFloatsAndJsonTest {

  /**
   * Bit patterns and CPython 3's repr() of them (printed by python3 on the build machine); the
   * window file footer writes its timestamp this way.
   */
  private static final Object[][] PYTHON_REPRS = {
    {0x41da486811c7e6b4L, "1763811399.123456"},
    {0x41da4867f8e00000L, "1763811299.5"},
    {0x4341c37937e08000L, "1e+16"},
    {0x430c6bf526340000L, "1000000000000000.0"},
    {0x42dc12218377de66L, "123456789012345.6"},
    {0x3ee4f8b588e368f1L, "1e-05"},
    {0x3f1a36e2eb1c432dL, "0.0001"},
    {0x3fb999999999999aL, "0.1"},
    {0x405ec00000000000L, "123.0"},
    {0x4480f0cf064dd592L, "1e+22"},
    {0x0000000000000001L, "5e-324"},
    {0x7fefffffffffffffL, "1.7976931348623157e+308"},
    {0x4340000000000000L, "9007199254740992.0"},
    {0x8000000000000000L, "-0.0"},
    {0x0000000000000000L, "0.0"},
    {0xbff8000000000000L, "-1.5"},
    {0x3fd5555555555555L, "0.3333333333333333"},
    {0x3e90c6f7a0b5ed8dL, "2.5e-07"},
    {0x4059000000000000L, "100.0"},
    {0x4132d68700000000L, "1234567.0"},
  };

  @Test
  void reprMatchesPythonStrForTimestampsAndLimits() {
    for (Object[] entry : PYTHON_REPRS) {
      double value = Double.longBitsToDouble((Long) entry[0]);
      assertThat(PythonFloats.repr(value)).as("bits %x", entry[0]).isEqualTo(entry[1]);
    }
    assertThat(PythonFloats.repr(Double.NaN)).isEqualTo("nan");
    assertThat(PythonFloats.repr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
  }

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
  void everyStyleTheReferenceUsesMatchesJsonDumps() {
    Map<String, PythonJson.Style> styles = Map.of(
        "default", PythonJson.Style.DEFAULT,
        "sorted", PythonJson.Style.SORTED,
        "compact", PythonJson.Style.COMPACT,
        "compact_sorted", PythonJson.Style.COMPACT_SORTED,
        "compact_unicode", PythonJson.Style.COMPACT_UNICODE,
        "indented_unicode", PythonJson.Style.INDENTED_UNICODE);
    JsonNode vectors = Vectors.load("python_json_styles.json");
    assertThat(vectors.get("styles").size()).isEqualTo(styles.size());
    int checked = 0;
    for (JsonNode testCase : vectors.get("documents")) {
      Object document = Vectors.plain(readJson(testCase.get("document_json").asText()));
      for (Map.Entry<String, PythonJson.Style> style : styles.entrySet()) {
        assertThat(PythonJson.dumps(document, style.getValue())).as("%s of %s", style.getKey(), testCase.get("document_json"))
            .isEqualTo(testCase.get(style.getKey()).asText());
        checked++;
      }
    }
    assertThat(checked).isEqualTo(8 * 6);
  }

  @Test
  void strSortsByCodePointNotByUtf16Unit() {
    // U+FF5E is one UTF-16 unit above the high surrogate of U+1F600, but the smaller code point.
    assertThat(PythonText.compare("\uFF5E", "\uD83D\uDE00")).isNegative();
    assertThat("\uFF5E".compareTo("\uD83D\uDE00")).isPositive();
    assertThat(PythonText.compare("ab", "abc")).isNegative();
    assertThat(PythonText.compare("abc", "abc")).isZero();
    assertThat(Stream.of("b", "\uD83D\uDE00", "", "a\uFF5E", "a").sorted(PythonText.ORDER))
        .containsExactly("", "a", "a\uFF5E", "b", "\uD83D\uDE00");
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
