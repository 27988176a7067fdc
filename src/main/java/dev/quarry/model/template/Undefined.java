package dev.quarry.model.template;

/**
 * Jinja2's default {@code Undefined}: prints as the empty string, is falsy, iterates as empty, and
 * raises when used any further (attribute access, arithmetic, calls), naming what was missing.
 */
final class Undefined {

  private final String hint;

  Undefined(String hint) {
    this.hint = hint;
  }

  /** The message Jinja2 gives, e.g. {@code 'x' is undefined}. */
  String hint() {
    return hint;
  }

  TemplateException error() {
    return new TemplateException("UndefinedError: " + hint);
  }

  @Override
  public String toString() {
    return "";
  }
}
