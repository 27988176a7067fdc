package dev.quarry.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.Vectors;
import org.junit.jupiter.api.Test;

class ThinkingParserTest {

  private static final JsonNode VECTORS = Vectors.load("thinking.json");

  @Test
  void modesMatchTheReferenceConfigs() {
    for (ThinkingMode mode : ThinkingMode.values()) {
      JsonNode expected = VECTORS.get("modes").get(mode.id());
      assertThat(mode.systemPrompt()).isEqualTo(expected.get("system_prompt").asText());
      assertThat(mode.thinkingOpen()).isEqualTo(expected.get("thinking_open").asText());
      assertThat(mode.thinkingClose()).isEqualTo(expected.get("thinking_close").asText());
      assertThat(mode.solutionOpen()).isEqualTo(expected.get("solution_open").asText());
      assertThat(mode.solutionClose()).isEqualTo(expected.get("solution_close").asText());
      assertThat(mode.enableThinking()).isEqualTo(expected.get("enable_thinking").asBoolean());
      assertThat(mode.usesCustomTemplate()).isEqualTo(expected.get("use_custom_template").asBoolean());
      assertThat(ThinkingMode.fromId(mode.id().toUpperCase())).isEqualTo(mode);
    }
    assertThatThrownBy(() -> ThinkingMode.fromId("fancy")).hasMessageContaining("instructed");
  }

  @Test
  void parserMatchesThinkingParser() {
    for (JsonNode testCase : VECTORS.get("parser_cases")) {
      ThinkingParser parser = ThinkingMode.fromId(testCase.get("mode").asText()).parser();
      String text = testCase.get("text").asText();
      String label = testCase.get("mode").asText() + ": " + text;
      assertThat(parser.hasThinking(text)).as(label).isEqualTo(testCase.get("has_thinking").asBoolean());
      assertThat(parser.hasAnswer(text)).as(label).isEqualTo(testCase.get("has_answer").asBoolean());
      assertThat(parser.answerBlock(text)).as(label).isEqualTo(testCase.get("answer_block").isNull() ? null : testCase.get("answer_block").asText());
      ThinkingParser.AnswerMatch match = parser.answerWithThinkingCheck(text);
      if (testCase.get("answer").isNull()) {
        assertThat(match).as(label).isNull();
      } else {
        assertThat(match.content()).as(label).isEqualTo(testCase.get("answer").asText());
        assertThat(match.trailing()).as(label).isEqualTo(testCase.get("trailing").asInt());
        assertThat(match.properOrdering()).as(label).isEqualTo(testCase.get("proper_ordering").asBoolean());
      }
    }
  }

  @Test
  void longCompletionsWithoutAnAnswerParseQuickly() {
    String completion = "</think>" + "x".repeat(200_000) + "<SOLUTION>never closed";
    ThinkingParser parser = ThinkingMode.NATIVE.parser();
    assertThat(parser.answerWithThinkingCheck(completion)).isNull();
  }
}
