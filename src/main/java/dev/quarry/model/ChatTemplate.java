package dev.quarry.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.model.template.JinjaTemplate;
import dev.quarry.model.template.TemplateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's own chat template, rendered as {@code tokenizer.apply_chat_template(messages,
 * tokenize=False, add_generation_prompt=...)} renders it: the template receives {@code messages},
 * {@code tools=None}, {@code documents=None}, {@code add_generation_prompt}, the tokenizer's named
 * special tokens, and any extra variables (e.g. {@code enable_thinking}).
 *
 * <p>Where the template comes from follows transformers: {@code chat_template.jinja} if present,
 * otherwise the {@code chat_template} entry of {@code tokenizer_config.json} (a string, or a list
 * of named templates of which "default" is used). Never a built-in template.
 */
public final class ChatTemplate {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String source;
  private final JinjaTemplate template;
  private final Map<String, String> specialTokens;

  private ChatTemplate(String source, Map<String, String> specialTokens) {
    this.source = source;
    this.template = JinjaTemplate.compile(source);
    this.specialTokens = Map.copyOf(specialTokens);
  }

  /** A template from its source text; special tokens are passed to it as variables. */
  public static ChatTemplate of(String source, Map<String, String> specialTokens) {
    return new ChatTemplate(source, specialTokens);
  }

  /** The checkpoint's template. */
  public static ChatTemplate load(Path directory, Map<String, String> specialTokens) throws ModelLoadException {
    String source = findSource(directory);
    try {
      return new ChatTemplate(source, specialTokens);
    } catch (TemplateException exception) {
      throw new ModelLoadException("the chat template of " + directory + " does not parse: "
          + exception.getMessage(), exception);
    }
  }

  private static String findSource(Path directory) throws ModelLoadException {
    try {
      Path jinja = directory.resolve("chat_template.jinja");
      if (Files.isRegularFile(jinja)) {
        return Files.readString(jinja);
      }
      Path named = directory.resolve("chat_templates").resolve("default.jinja");
      if (Files.isRegularFile(named)) {
        return Files.readString(named);
      }
      Path config = directory.resolve("tokenizer_config.json");
      if (Files.isRegularFile(config)) {
        JsonNode template = JSON.readTree(Files.readString(config)).path("chat_template");
        if (template.isTextual()) {
          return template.asText();
        }
        if (template.isArray()) {
          for (JsonNode entry : template) {
            if ("default".equals(entry.path("name").asText())) {
              return entry.path("template").asText();
            }
          }
        }
      }
    } catch (IOException exception) {
      throw new ModelLoadException("cannot read the chat template of " + directory + ": " + exception.getMessage(),
          exception);
    }
    throw new ModelLoadException("no chat template in " + directory
        + " (looked for chat_template.jinja and tokenizer_config.json's chat_template)");
  }

  /** The template's source text. */
  public String source() {
    return source;
  }

  /**
   * Renders messages.
   *
   * @param addGenerationPrompt end with the assistant header, as for a prompt to generate from
   * @param extraVariables more template variables (e.g. {@code enable_thinking}); they override defaults
   * @throws TemplateException when the template rejects the messages
   */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, Object> extraVariables) {
    List<Map<String, Object>> maps = new ArrayList<>();
    for (ChatMessage message : messages) {
      maps.add(message.toMap());
    }
    return renderMaps(maps, addGenerationPrompt, extraVariables);
  }

  /** Renders messages given as maps, for turns with more fields (tool_calls, reasoning_content). */
  public String renderMaps(List<Map<String, Object>> messages, boolean addGenerationPrompt,
      Map<String, Object> extraVariables) {
    Map<String, Object> variables = new LinkedHashMap<>(specialTokens);
    variables.put("messages", messages);
    variables.put("tools", null);
    variables.put("documents", null);
    variables.put("add_generation_prompt", addGenerationPrompt);
    variables.putAll(extraVariables);
    return template.render(variables);
  }
}
