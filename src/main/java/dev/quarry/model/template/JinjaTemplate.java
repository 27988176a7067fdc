package dev.quarry.model.template;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled Jinja template with the settings Hugging Face uses for chat templates
 * ({@code trim_blocks=True}, {@code lstrip_blocks=True}, loop controls, HF's {@code tojson},
 * {@code raise_exception} and {@code strftime_now} globals). Immutable and thread-safe; compile
 * once, render many times.
 *
 * <pre>{@code
 * JinjaTemplate template = JinjaTemplate.compile(source);
 * String prompt = template.render(Map.of("messages", messages, "add_generation_prompt", true));
 * }</pre>
 */
public final class JinjaTemplate {

  private final List<Node.Stmt> body;
  private final Clock clock;

  private JinjaTemplate(List<Node.Stmt> body, Clock clock) {
    this.body = body;
    this.clock = clock;
  }

  /** Parses a template; a syntax error fails here with the line number. */
  public static JinjaTemplate compile(String source) {
    return new JinjaTemplate(Parser.parse(Lexer.tokenize(source, true, true)), Clock.systemDefaultZone());
  }

  /** The same template with another clock for {@code strftime_now} (tests pin the date). */
  public JinjaTemplate withClock(Clock clock) {
    return new JinjaTemplate(body, Objects.requireNonNull(clock));
  }

  /**
   * Renders with the given variables: Java Strings, numbers, Booleans, nulls, Lists and Maps,
   * which behave as the equivalent Python values.
   *
   * @throws TemplateException when the template raises (including its own {@code raise_exception})
   */
  public String render(Map<String, ?> variables) {
    Map<String, Object> context = new LinkedHashMap<>();
    variables.forEach((name, value) -> context.put(name, PyValues.fromJava(value)));
    Interpreter interpreter = new Interpreter(Builtins.globals(() -> ZonedDateTime.now(clock)));
    try {
      return interpreter.render(body, context);
    } catch (TemplateException exception) {
      if (exception.getMessage() != null && exception.getMessage().startsWith("line ")) {
        throw exception;
      }
      throw new TemplateException("line " + interpreter.line() + ": " + exception.getMessage(), exception);
    } catch (ArithmeticException exception) {
      throw new TemplateException("line " + interpreter.line() + ": OverflowError: " + exception.getMessage(),
          exception);
    } catch (ClassCastException | IndexOutOfBoundsException exception) {
      throw new TemplateException("line " + interpreter.line() + ": TypeError: " + exception.getMessage(), exception);
    }
  }
}
