package dev.quarry.env.python;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.CodeRun;
import dev.quarry.env.EnvVectors;
import dev.quarry.env.Evaluation;
import dev.quarry.env.PythonCodeEnvironment;
import dev.quarry.env.TaskSource;
import dev.quarry.env.ThinkingMode;
import dev.quarry.env.UnscorableCompletionException;
import dev.quarry.env.DatasetSplits;
import dev.quarry.env.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MBPP/HumanEval parsing and rewards through the real Python sandbox, against the reference's
 * PythonCodeEnv.step run with its own execution pool (including hostile completions: infinite
 * loops, fork bombs, huge allocations, file and network access, escapes to os, BaseException).
 */
class PythonCodeVectorsTest {

  private static final JsonNode VECTORS = EnvVectors.load("env_python_code.json");
  private static final Duration SHORT_ALARM = Duration.ofSeconds(1);
  private static PythonSandbox sandbox;
  private static PythonWorkerInfo info;

  @BeforeAll
  static void startSandbox() {
    PythonWorkerPool pool = TestPools.sandbox();
    sandbox = new PythonSandbox(pool);
    info = pool.info();
  }

  @Test
  void parserMatchesIncludingTheCompileCheck() {
    PythonCodeEnvironment environment = PythonCodeEnvironment.humanEval(
        TaskSource.of(List.of(new dev.quarry.env.HumanEvalItem("x", "p", "", "t", "e"))), sandbox);
    int compared = 0;
    for (JsonNode expected : VECTORS.get("parse_cases")) {
      JsonNode override = expected.get("python311");
      boolean referencePython = info.meetsReferencePython();
      if (!referencePython && !info.minorVersion().equals("3.11") && override != null) {
        continue; // depends on the interpreter, and this one is neither 3.11 nor >= 3.12
      }
      PythonCodeEnvironment.Parsed parsed = environment.parse(expected.get("completion").asText(),
          ThinkingMode.fromId(expected.get("mode").asText()));
      boolean syntaxValid = !referencePython && override != null && override.has("syntax_valid")
          ? override.get("syntax_valid").asBoolean() : expected.get("syntax_valid").asBoolean();
      String label = expected.get("mode").asText() + " " + expected.get("completion").asText();
      assertThat(parsed.code()).as(label).isEqualTo(expected.get("code").asText());
      assertThat(parsed.hasThinking()).as(label).isEqualTo(expected.get("has_thinking").asBoolean());
      assertThat(parsed.hasSolution()).as(label).isEqualTo(expected.get("has_solution").asBoolean());
      assertThat(parsed.trailingAfterSolution()).as(label).isEqualTo(expected.get("trailing_after_solution").asInt());
      assertThat(parsed.syntaxValid()).as(label).isEqualTo(syntaxValid);
      compared++;
    }
    assertThat(compared).isGreaterThan(70);
  }

  @Test
  void rewardsMatchTheReferenceForEveryCase() throws Exception {
    List<JsonNode> cases = new ArrayList<>();
    VECTORS.get("reward_cases").forEach(cases::add);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> verdicts = new ArrayList<>();
      for (JsonNode expected : cases) {
        verdicts.add(threads.submit(() -> check(expected)));
      }
      List<String> problems = new ArrayList<>();
      for (Future<String> verdict : verdicts) {
        String problem = verdict.get();
        if (problem != null) {
          problems.add(problem);
        }
      }
      assertThat(problems).isEmpty();
    } finally {
      threads.shutdownNow();
    }
    assertThat(cases).hasSizeGreaterThan(70);
  }

  /** Null when the case matches, else what differs. */
  private static String check(JsonNode expected) {
    String label = expected.get("mode").asText() + "/" + expected.get("dataset").asText() + "/" + expected.get("kind").asText();
    PythonCodeEnvironment environment = expected.get("dataset").asText().equals("mbpp")
        ? PythonCodeEnvironment.mbpp(TaskSource.of(List.of(EnvVectors.mbpp(expected.get("item")))), DatasetSplits.Split.TRAIN, sandbox)
        : PythonCodeEnvironment.humanEval(TaskSource.of(List.of(EnvVectors.humanEval(expected.get("item")))), sandbox);
    List<String> expectedErrors = EnvVectors.strings(expected.get("test_errors"));
    if (expectedErrors.contains("Timeout") || expected.get("kind").asText().equals("swallows_timeout")) {
      // Same outcome as the reference's 5 s alarm, found faster: these loops never end.
      environment = environment.withTestTimeout(SHORT_ALARM);
    }
    Problem problem = environment.problem(0);
    ThinkingMode mode = ThinkingMode.fromId(expected.get("mode").asText());
    String completion = expected.get("completion").asText();
    if (expected.has("raises")) {
      try {
        environment.evaluate(problem, completion, mode);
        return label + ": expected the reference's " + expected.get("raises").asText() + " to make it unscorable";
      } catch (UnscorableCompletionException unscorable) {
        return unscorable.reason() == UnscorableCompletionException.Reason.REFERENCE_WOULD_RAISE ? null
            : label + ": unscorable for the wrong reason " + unscorable.getMessage();
      }
    }
    PythonCodeEnvironment.Detailed detailed = environment.evaluateDetailed(problem, completion, mode);
    Evaluation evaluation = detailed.evaluation();
    List<String> differences = new ArrayList<>();
    if (evaluation.reward() != expected.get("reward").asDouble()) {
      differences.add("reward " + evaluation.reward() + " != " + expected.get("reward").asDouble());
    }
    if (evaluation.success() != expected.get("success").asBoolean()) {
      differences.add("success " + evaluation.success());
    }
    Map<String, Double> components = new java.util.LinkedHashMap<>();
    expected.get("components").fields().forEachRemaining(field -> components.put(field.getKey(), field.getValue().asDouble()));
    if (!evaluation.components().equals(components)) {
      differences.add("components " + evaluation.components() + " != " + components);
    }
    CodeRun run = detailed.run();
    int passed = run == null ? 0 : run.passed();
    int total = run == null ? 0 : run.total();
    if (passed != expected.get("tests_passed").asInt() || total != expected.get("tests_total").asInt()) {
      differences.add("tests " + passed + "/" + total);
    }
    if (detailed.parsed().syntaxValid() != expected.get("syntax_valid").asBoolean()) {
      differences.add("syntax_valid " + detailed.parsed().syntaxValid());
    }
    List<String> actualErrors = new ArrayList<>();
    if (run != null) {
      run.tests().forEach(test -> actualErrors.add(test.error()));
    }
    if (!errorTypes(actualErrors).equals(errorTypes(expectedErrors.isEmpty() && expected.get("test_errors").size() > 0
        ? null : rawErrors(expected.get("test_errors"))))) {
      differences.add("test errors " + actualErrors + " vs " + rawErrors(expected.get("test_errors")));
    }
    return differences.isEmpty() ? null : label + ": " + differences;
  }

  private static List<String> rawErrors(JsonNode errors) {
    List<String> values = new ArrayList<>();
    errors.forEach(node -> values.add(node.isNull() ? null : node.asText()));
    return values;
  }

  /** The exception type of each error ("NameError", "Timeout"), null for passing tests; messages vary across Python versions. */
  private static List<String> errorTypes(List<String> errors) {
    List<String> types = new ArrayList<>();
    if (errors != null) {
      errors.forEach(error -> types.add(error == null ? null : error.split(":", 2)[0]));
    }
    return types;
  }

  @Test
  void runReportsEachTestAndTheReferenceStatus() {
    CodeRun run = sandbox.run("def f(x):\n    return x * 2", List.of("assert f(2) == 4", "assert f(3) == 7", "assert g(1)"),
        PythonCodeEnvironment.REFERENCE_TEST_TIMEOUT);
    assertThat(run.passed()).isEqualTo(1);
    assertThat(run.total()).isEqualTo(3);
    assertThat(run.status()).isEqualTo(CodeRun.Status.SOME_FAILED);
    assertThat(run.tests()).extracting(CodeRun.TestOutcome::passed).containsExactly(true, false, false);
    assertThat(Objects.requireNonNull(run.tests().get(2).error())).startsWith("NameError");
  }
}
