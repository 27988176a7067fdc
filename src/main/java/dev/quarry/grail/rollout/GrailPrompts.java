package dev.quarry.grail.rollout;

import dev.quarry.env.Problem;
import dev.quarry.env.ThinkingMode;
import dev.quarry.model.ChatMessage;
import dev.quarry.model.ChatTemplate;
import dev.quarry.model.Tokenizer;
import java.util.List;
import java.util.Map;

/**
 * The prompt ids of a problem, as the reference renders them ({@code grail/shared/chat_templates.py}):
 * the thinking mode's system prompt and the problem's user message, through the checkpoint's own chat
 * template with the generation prompt appended ({@code enable_thinking=True} only in native mode),
 * then tokenised with the tokenizer's default special-token handling. Validators compare these ids
 * exactly, so both sides must come through here.
 */
public final class GrailPrompts {

  private GrailPrompts() {}

  /** The conversation the template renders: system prompt first, then the problem. */
  public static List<ChatMessage> messages(Problem problem, ThinkingMode mode) {
    return List.of(new ChatMessage("system", mode.systemPrompt()), new ChatMessage("user", problem.userPrompt()));
  }

  /** The rendered prompt text, ending with the assistant generation prompt. */
  public static String render(Problem problem, ThinkingMode mode, ChatTemplate template) {
    Map<String, Object> variables = mode.enableThinking() ? Map.of("enable_thinking", true) : Map.of();
    return template.render(messages(problem, mode), true, variables);
  }

  /** The prompt token ids. */
  public static int[] promptTokens(Problem problem, ThinkingMode mode, ChatTemplate template, Tokenizer tokenizer) {
    return tokenizer.encode(render(problem, mode, template));
  }
}
