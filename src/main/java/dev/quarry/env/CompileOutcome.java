package dev.quarry.env;

/**
 * What Python's {@code compile(code, "<string>", "exec")} makes of extracted code, as the
 * reference parsers see it (compiled with postponed annotations, which the reference modules'
 * {@code from __future__ import annotations} passes on).
 */
public enum CompileOutcome {
  /** The code compiles. */
  VALID,
  /** {@code SyntaxError} (including {@code IndentationError}): {@code syntax_valid} is false. */
  SYNTAX_ERROR,
  /**
   * Another exception ({@code RecursionError}, {@code MemoryError}, …). The reference parsers catch
   * it one level up and blank the code and its trailing count.
   */
  ERROR
}
