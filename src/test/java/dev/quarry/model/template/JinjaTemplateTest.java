package dev.quarry.model.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.model.Vectors;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case in {@code chat_templates.json} was rendered by transformers' own compiled Jinja
 * environment (jinja2 with HF's settings); our interpreter must produce the same bytes, or fail
 * where jinja2 fails.
 */
class JinjaTemplateTest {

  private static final Clock FIXED = Clock.fixed(LocalDateTime.of(2026, 11, 22, 9, 30).toInstant(ZoneOffset.UTC),
      ZoneOffset.UTC);

  @TestFactory
  Stream<DynamicTest> rendersLikeJinja2WithHfSettings() {
    JsonNode cases = Vectors.load("chat_templates.json").get("cases");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode testCase : cases) {
      tests.add(DynamicTest.dynamicTest(testCase.get("name").asText(), () -> {
        Map<String, Object> variables = Vectors.json().convertValue(testCase.get("variables"),
            new TypeReference<Map<String, Object>>() {});
        String source = testCase.get("template").asText();
        if (testCase.has("error")) {
          assertThatThrownBy(() -> JinjaTemplate.compile(source).withClock(FIXED).render(variables))
              .isInstanceOf(TemplateException.class);
        } else {
          String rendered = JinjaTemplate.compile(source).withClock(FIXED).render(variables);
          assertThat(rendered).isEqualTo(testCase.get("expected").asText());
        }
      }));
    }
    assertThat(tests).hasSizeGreaterThan(100);
    return tests.stream();
  }

  @Test
  void raiseExceptionCarriesTheTemplatesMessage() {
    JinjaTemplate template = JinjaTemplate.compile("{% if messages|length == 0 %}"
        + "{{ raise_exception('No messages given') }}{% endif %}ok");
    assertThatThrownBy(() -> template.render(Map.of("messages", List.of())))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("No messages given");
    assertThat(template.render(Map.of("messages", List.of("x")))).isEqualTo("ok");
  }

  @Test
  void syntaxErrorsNameTheLine() {
    assertThatThrownBy(() -> JinjaTemplate.compile("line one\n{{ 1 + }}"))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("line 2");
  }
}
