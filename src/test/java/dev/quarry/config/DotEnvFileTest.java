package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class DotEnvFileTest {

  private static JsonNode vectors() throws IOException {
    try (InputStream in = DotEnvFileTest.class.getResourceAsStream("/vectors/config/dotenv.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static Map<String, String> toMap(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      map.put(entry.getKey(), entry.getValue().isNull() ? null : entry.getValue().asText());
    }
    return map;
  }

  /** Every case python-dotenv was run on: same values, same keys, same count of bad statements. */
  @TestFactory
  List<DynamicTest> matchesPythonDotenv() throws IOException {
    JsonNode root = vectors();
    Map<String, String> process = toMap(root.get("process_environment"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode testCase : root.get("cases")) {
      tests.add(DynamicTest.dynamicTest(testCase.get("name").asText(), () -> {
        DotEnvFile file = DotEnvFile.parse(testCase.get("input").asText());
        assertThat(file.resolve(process)).containsExactlyEntriesOf(toMap(testCase.get("values")));
        assertThat(file.resolve(Map.of())).as("raw (interpolation still applies, no process env)")
            .containsOnlyKeys(toMap(testCase.get("raw_values")).keySet());
        assertThat(file.problems()).hasSize(testCase.get("parse_errors").asInt());
      }));
    }
    assertThat(tests).hasSizeGreaterThan(20);
    return tests;
  }

  @Test
  void problemsNameTheLineAndKeyButNeverTheValue() {
    DotEnvFile file = DotEnvFile.parse("A=1\n\nR2_WRITE_SECRET_ACCESS_KEY=\"hunter2-secret\n");
    assertThat(file.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.line()).isEqualTo(3);
      assertThat(problem.key()).isEqualTo("R2_WRITE_SECRET_ACCESS_KEY");
      assertThat(problem.toString()).doesNotContain("hunter2");
    });
  }

  @Test
  void reportsTheLineOfEachStatement() {
    DotEnvFile file = DotEnvFile.parse("# header\nA=1\nB=\"two\nlines\"\n\nC=3\n");
    assertThat(file.lineOf("A")).isEqualTo(2);
    assertThat(file.lineOf("B")).isEqualTo(3);
    assertThat(file.lineOf("C")).isEqualTo(6);
    assertThat(file.lineOf("D")).isEqualTo(-1);
  }

  @Test
  void ignoresAByteOrderMark() {
    assertThat(DotEnvFile.parse("\uFEFFA=1\n").resolve(Map.of())).containsExactly(Map.entry("A", "1"));
  }

  @Test
  void renderedValuesReadBackUnchanged() {
    Random random = new Random(81);
    String alphabet = "aZ09 #'\"\\$={}\n\r\t-_./:@+%~é✓";
    Map<String, String> written = new HashMap<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String candidate = value.toString();
      if (candidate.contains("${")) {
        continue;
      }
      String key = "KEY_" + i;
      String line;
      try {
        line = DotEnvFile.render(key, candidate);
      } catch (IllegalArgumentException refused) {
        // Only a value ending in a backslash that also needs quotes may be refused.
        assertThat(candidate).endsWith("\\");
        continue;
      }
      written.put(key, candidate);
      text.append(line).append('\n');
    }
    DotEnvFile file = DotEnvFile.parse(text.toString());
    assertThat(file.problems()).isEmpty();
    assertThat(file.resolve(Map.of())).containsExactlyInAnyOrderEntriesOf(written);
  }

  @Test
  void refusesValuesThatWouldBeExpanded() {
    assertThatThrownBy(() -> DotEnvFile.render("A", "x${HOME}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A contains");
  }
}
