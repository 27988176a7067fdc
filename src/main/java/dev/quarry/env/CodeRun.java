package dev.quarry.env;

import java.util.List;
import java.util.Objects;

/**
 * The result of running extracted code against a problem's tests, with the reference pool's
 * semantics ({@code _pool_worker_execute}): each test is {@code code + "\n\n" + test} executed in
 * fresh globals with the restricted builtins, under a per-test alarm.
 *
 * @param passed tests that ran without an exception
 * @param total tests there were
 * @param status the reference's overall status
 * @param tests each test's outcome, in order (empty when the run never reached the tests)
 * @param detail a short explanation for failures, for logs (never part of a reward)
 */
public record CodeRun(int passed, int total, Status status, List<TestOutcome> tests, String detail) {

  /** The reference's {@code status} values. */
  public enum Status {
    ALL_PASSED,
    SOME_FAILED,
    /** Every test timed out, or the whole run exceeded the executor's deadline (nothing survives then). */
    TIMEOUT,
    /** No test passed and not every one timed out. */
    ERROR,
    /** The code alone does not compile; no test ran. */
    SYNTAX_ERROR,
    /** The process running the code died or failed outside the tests; scored as no test passing. */
    PROCESS_ERROR
  }

  /**
   * One test.
   *
   * @param index its position in the test list
   * @param passed whether it ran without an exception
   * @param error {@code "Type: message"} or {@code "Timeout"} when it failed, else null
   */
  public record TestOutcome(int index, boolean passed, String error) {}

  public CodeRun {
    Objects.requireNonNull(status, "status");
    tests = List.copyOf(tests);
    if (passed < 0 || passed > total) {
      throw new IllegalArgumentException("passed " + passed + " outside 0.." + total);
    }
  }

  /** A run that produced no per-test results (syntax error, process error, executor deadline). */
  public static CodeRun withoutTests(int total, Status status, String detail) {
    return new CodeRun(0, total, status, List.of(), detail);
  }

  /** {@code passed / total}, or 0 when there are no tests (the reference's correctness component). */
  public double passRate() {
    return total == 0 ? 0.0 : (double) passed / (double) total;
  }
}
