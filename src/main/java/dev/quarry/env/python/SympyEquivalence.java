package dev.quarry.env.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.env.MathAnswerEquivalence;
import dev.quarry.env.UnscorableCompletionException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sympy step of MATH answer equivalence ({@code simplify(parse_expr(a) − parse_expr(b)) == 0}),
 * run by real sympy in a contained worker child (sympy's {@code parse_expr} evaluates its input, and
 * here the input is model output). Plug it in with
 * {@code MathAnswerEquivalence.reference(new SympyEquivalence(pool))}; the pool must be started with
 * {@link PythonWorkerSettings#preloadSympy()}.
 *
 * <p>Without sympy on the worker's interpreter every check answers "not equal" and a warning is
 * logged once: rewards then differ from validators' exactly where only sympy can equate two
 * answers ("1/2" and "0.5", "x+1" and "1+x"). A check that outlasts
 * {@link PythonWorkerSettings#sympyTimeout()} also answers "not equal" (the reference would wait).
 */
public final class SympyEquivalence implements MathAnswerEquivalence.SymbolicCheck {

  private static final Logger LOG = LoggerFactory.getLogger(SympyEquivalence.class);
  private static final int ATTEMPTS = 3;
  private static final Duration WORKER_SLACK = Duration.ofSeconds(15);

  private final PythonWorkerPool pool;
  private final AtomicBoolean warned = new AtomicBoolean();

  public SympyEquivalence(PythonWorkerPool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  /** Whether the workers could import sympy. */
  public boolean available() {
    return pool.info().sympyVersion() != null;
  }

  /** The sympy version in use, if any. */
  public Optional<String> version() {
    return Optional.ofNullable(pool.info().sympyVersion());
  }

  /** Why sympy is unavailable, phrased for an operator. */
  public String unavailableReason() {
    if (!pool.settings().preloadSympy()) {
      return "the Python worker pool was started without sympy (preloadSympy is off)";
    }
    return pool.settings().executable() + " cannot import sympy ("
        + Objects.requireNonNullElse(pool.info().sympyProblem(), "unknown reason")
        + "); install it with `" + pool.settings().executable() + " -m pip install sympy==1.14.0` (the version Grail pins)";
  }

  @Override
  public boolean symbolicallyEqual(String normalizedPredicted, String normalizedGold) {
    if (!available()) {
      if (warned.compareAndSet(false, true)) {
        LOG.warn("MATH answers are compared without sympy: {}. Rewards will differ from validators' where only sympy "
            + "can equate two answers.", unavailableReason());
      }
      return false;
    }
    Duration timeout = pool.settings().sympyTimeout();
    ObjectNode request = pool.request("sympy_equal");
    request.put("a", normalizedPredicted);
    request.put("b", normalizedGold);
    request.put("deadline", timeout.toMillis() / 1000.0);
    PythonWorkerException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      JsonNode reply;
      try {
        reply = pool.call(request, timeout.plus(WORKER_SLACK));
      } catch (PythonWorkerException failed) {
        last = failed;
        continue;
      }
      switch (reply.path("outcome").asText("")) {
        case "done":
          return reply.path("equal").asBoolean(false);
        case "deadline":
          LOG.debug("sympy did not decide within {} s; treating the answers as different", timeout.toSeconds());
          return false;
        case "aborted":
          throw new UnscorableCompletionException(UnscorableCompletionException.Reason.REFERENCE_WOULD_RAISE,
              "evaluating the answer with sympy raised a BaseException that the reference lets escape env.step");
        case "unavailable":
          return false;
        case "crashed":
          // The child died (e.g. killed at its memory limit): deterministic for this input, so scored.
          LOG.debug("sympy child crashed; treating the answers as different");
          return false;
        default:
          last = new PythonWorkerException(PythonWorkerException.Kind.OTHER, "unexpected sympy reply (outcome " + reply.path("outcome").asText("none") + ")");
      }
    }
    throw new UnscorableCompletionException(UnscorableCompletionException.Reason.INFRASTRUCTURE,
        "the sympy worker failed " + ATTEMPTS + " times: " + last.getMessage(), last);
  }
}
