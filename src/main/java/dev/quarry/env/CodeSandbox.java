package dev.quarry.env;

import java.time.Duration;
import java.util.List;

/**
 * Where model-written Python is checked and run, with the semantics Grail's validators use. The
 * environments stay pure; {@code dev.quarry.env.python.PythonSandbox} implements this with a pool
 * of contained Python workers. Implementations must be safe to call from several threads.
 */
public interface CodeSandbox {

  /** {@code compile(code, "<string>", "exec")} as the reference parsers run it. */
  CompileOutcome compile(String code);

  /**
   * Runs {@code code} against each test.
   *
   * @param perTestTimeout the reference's per-test alarm; only whole seconds count, as
   *     {@code signal.alarm(int(timeout))} truncates (the environments pass 5 s)
   * @throws UnscorableCompletionException when the reference would raise out of {@code env.step}
   *     ({@link UnscorableCompletionException.Reason#REFERENCE_WOULD_RAISE}) or the sandbox itself
   *     failed ({@link UnscorableCompletionException.Reason#INFRASTRUCTURE})
   */
  CodeRun run(String code, List<String> tests, Duration perTestTimeout);
}
