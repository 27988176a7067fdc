package dev.quarry.model.template;

/**
 * A template that cannot be parsed or rendered: a syntax error, an undefined value used where
 * Jinja2 would raise, a type error, or the template's own {@code raise_exception(...)}. The message
 * names the line when it is known.
 */
public class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TemplateException(String message) {
    super(message);
  }

  public TemplateException(String message, Throwable cause) {
    super(message, cause);
  }

  static TemplateException atLine(int line, String message) {
    return new TemplateException("line " + line + ": " + message);
  }
}
