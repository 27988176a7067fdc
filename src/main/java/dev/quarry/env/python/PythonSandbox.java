package dev.quarry.env.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.env.CodeRun;
import dev.quarry.env.CodeSandbox;
import dev.quarry.env.CompileOutcome;
import dev.quarry.env.UnscorableCompletionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CodeSandbox} Grail's MBPP, HumanEval and triton_kernel rewards need, on a
 * {@link PythonWorkerPool}. It reproduces the reference pool's semantics: builtins restricted to
 * the reference's allow-list (no {@code open}, {@code eval}, {@code exec}, {@code compile},
 * {@code getattr}, …), imports limited to math, itertools, functools, collections, heapq, bisect,
 * operator, re and string, a {@code signal.alarm(int(timeout))} per test whose exception user code
 * can catch, and the executor's overall deadline ({@code timeout × tests + grace}) after which
 * nothing of the run survives. On top of that each run is contained (address-space, process and
 * file-size limits, scratch directory, no network where the kernel allows, unprivileged user when
 * started as root) and killed from outside when it overstays.
 */
public final class PythonSandbox implements CodeSandbox {

  private static final Logger LOG = LoggerFactory.getLogger(PythonSandbox.class);
  private static final int ATTEMPTS = 3;
  private static final Duration COMPILE_DEADLINE = Duration.ofSeconds(30);
  /** Time on top of the worker's own deadline before the worker itself is presumed stuck. */
  private static final Duration WORKER_SLACK = Duration.ofSeconds(15);

  private final PythonWorkerPool pool;

  public PythonSandbox(PythonWorkerPool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public CompileOutcome compile(String code) {
    ObjectNode request = pool.request("compile");
    request.put("code", code);
    request.put("deadline", (double) COMPILE_DEADLINE.toSeconds());
    JsonNode reply = callWithRetries(request, COMPILE_DEADLINE.plus(WORKER_SLACK), "compile");
    return switch (reply.path("outcome").asText()) {
      case "valid" -> CompileOutcome.VALID;
      case "syntax_error" -> CompileOutcome.SYNTAX_ERROR;
      case "error" -> CompileOutcome.ERROR;
      default -> throw infrastructure("compile check", reply);
    };
  }

  @Override
  public CodeRun run(String code, List<String> tests, Duration perTestTimeout) {
    double timeoutSeconds = perTestTimeout.toMillis() / 1000.0;
    double deadlineSeconds = timeoutSeconds * tests.size() + pool.settings().executorGrace().toMillis() / 1000.0;
    ObjectNode request = pool.request("run_tests");
    request.put("code", code);
    ArrayNode list = request.putArray("tests");
    tests.forEach(list::add);
    request.put("timeout", timeoutSeconds);
    request.put("deadline", deadlineSeconds);
    Duration wait = Duration.ofMillis((long) (deadlineSeconds * 1000)).plus(WORKER_SLACK);
    JsonNode reply;
    try {
      reply = callWithRetries(request, wait, "test run");
    } catch (UnscorableCompletionException failed) {
      if (failed.getCause() instanceof WorkerDiedEveryTime) {
        // The code kills whatever runs it (the reference's pool breaks the same way): a process error.
        return CodeRun.withoutTests(tests.size(), CodeRun.Status.PROCESS_ERROR, "the worker died running this code");
      }
      throw failed;
    }
    String outcome = reply.path("outcome").asText("");
    if (outcome.equals("aborted")) {
      throw new UnscorableCompletionException(UnscorableCompletionException.Reason.REFERENCE_WOULD_RAISE,
          "a test raised a BaseException that is not an Exception; the reference lets it escape env.step");
    }
    if (!outcome.isEmpty() || !reply.has("status")) {
      throw infrastructure("test run", reply);
    }
    List<CodeRun.TestOutcome> outcomes = new ArrayList<>();
    for (JsonNode test : reply.path("test_results")) {
      outcomes.add(new CodeRun.TestOutcome(test.path("test_idx").asInt(), test.path("passed").asBoolean(),
          test.path("error").isNull() ? null : test.path("error").asText()));
    }
    CodeRun.Status status = CodeRun.Status.valueOf(reply.path("status").asText().toUpperCase(Locale.ROOT));
    return new CodeRun(reply.path("passed").asInt(), reply.path("total").asInt(), status, outcomes,
        reply.path("error").isNull() ? null : reply.path("error").asText());
  }

  private JsonNode callWithRetries(ObjectNode request, Duration wait, String what) {
    PythonWorkerException last = null;
    int deaths = 0;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        JsonNode reply = pool.call(request, wait);
        if (!reply.path("outcome").asText("").equals("child_failure")) {
          return reply;
        }
        last = new PythonWorkerException(PythonWorkerException.Kind.OTHER,
            "the worker could not set up the " + what + ": " + reply.path("error").asText());
      } catch (PythonWorkerException failed) {
        last = failed;
        if (failed.kind() == PythonWorkerException.Kind.DIED) {
          deaths++;
        }
      }
      LOG.debug("{} attempt {} failed: {}", what, attempt, last.getMessage());
    }
    Throwable cause = deaths == ATTEMPTS ? new WorkerDiedEveryTime(last) : last;
    throw new UnscorableCompletionException(UnscorableCompletionException.Reason.INFRASTRUCTURE,
        "the Python sandbox failed " + ATTEMPTS + " times during a " + what + ": " + last.getMessage(), cause);
  }

  /** Marks a failure where the worker died on every attempt, i.e. the request itself kills it. */
  private static final class WorkerDiedEveryTime extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WorkerDiedEveryTime(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  private static UnscorableCompletionException infrastructure(String what, JsonNode reply) {
    return new UnscorableCompletionException(UnscorableCompletionException.Reason.INFRASTRUCTURE,
        "the Python sandbox gave an unexpected " + what + " reply (outcome " + reply.path("outcome").asText("none") + ")");
  }
}
