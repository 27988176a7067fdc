package dev.quarry.env;

import dev.quarry.grail.protocol.python.PythonFloats;
import dev.quarry.grail.protocol.python.PythonText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * MBPP and HumanEval ({@code grail/environments/python_code_env.py}): the model writes a Python
 * function inside {@code <SOLUTION>…</SOLUTION>}; the code is compiled and run against the
 * problem's tests in a {@link CodeSandbox} with the reference pool's semantics.
 *
 * <p>Prompts: MBPP shows the problem text, a blank line, the reference solution's first
 * {@code def} line and an indented {@code pass}; HumanEval shows its prompt verbatim. Problems are
 * chosen by {@code seed mod size}. Tests: MBPP prefixes each assertion with its import and setup
 * lines; HumanEval runs {@code test + "\ncheck(entry_point)"}.
 *
 * <p>Reward, summed as CPython 3.12's {@code sum()} does: 0.7 × the pass rate, 0.1 × the code
 * compiles, 0.1 × an answer block with fewer than 50 characters after it, 0.1 × a closed thinking
 * block. Success means every test passed.
 */
public final class PythonCodeEnvironment implements Environment {

  /** The MBPP environment id. */
  public static final String MBPP_ID = "mbpp";
  /** The reference's alias of MBPP. */
  public static final String PYTHON_CODE_ID = "python_code";
  /** The HumanEval environment id. */
  public static final String HUMANEVAL_ID = "humaneval";
  /** The per-test alarm {@code PythonCodeEnv.step} passes to the pool. */
  public static final Duration REFERENCE_TEST_TIMEOUT = Duration.ofSeconds(5);

  private static final double[] WEIGHTS = {0.7, 0.1, 0.1, 0.1};
  private static final String[] COMPONENT_NAMES = {"correctness", "syntax", "format", "thinking"};

  /**
   * What {@code PythonCodeParser.parse} extracts.
   *
   * @param code the stripped answer block ("" when absent, empty, or rejected by the compiler with
   *     something other than a syntax error)
   * @param hasThinking a closing thinking tag is present
   * @param hasSolution an answer block is present
   * @param trailingAfterSolution code points after the answer block
   * @param syntaxValid the code compiles
   */
  public record Parsed(String code, boolean hasThinking, boolean hasSolution, int trailingAfterSolution, boolean syntaxValid) {}

  /**
   * An evaluation with everything behind it, for logs and {@code quarry protocol reward}.
   *
   * @param evaluation the reward, success and components
   * @param parsed what the parser read
   * @param tests the test cases that were prepared (empty when there was no code)
   * @param run the test run, or null when no test ran
   */
  public record Detailed(Evaluation evaluation, Parsed parsed, List<String> tests, CodeRun run) {}

  private enum Dataset {
    MBPP,
    HUMANEVAL
  }

  private final String id;
  private final Dataset dataset;
  private final TaskSource<?> items;
  private final DatasetSplits.Split split;
  private final CodeSandbox sandbox;
  private final Duration testTimeout;

  private PythonCodeEnvironment(String id, Dataset dataset, TaskSource<?> items, DatasetSplits.Split split,
      CodeSandbox sandbox, Duration testTimeout) {
    this.id = Objects.requireNonNull(id, "id");
    this.dataset = dataset;
    this.items = Objects.requireNonNull(items, "items");
    this.split = Objects.requireNonNull(split, "split");
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.testTimeout = Objects.requireNonNull(testTimeout, "testTimeout");
    if (items.size() == 0) {
      throw new IllegalArgumentException("the " + id + " " + split + " split is empty");
    }
  }

  /**
   * MBPP over one of its redistributed splits (see {@link DatasetSplits#mbpp}).
   *
   * @param split {@link DatasetSplits.Split#TRAIN} or {@link DatasetSplits.Split#VAL} ("validation")
   */
  public static PythonCodeEnvironment mbpp(TaskSource<MbppItem> items, DatasetSplits.Split split, CodeSandbox sandbox) {
    if (split != DatasetSplits.Split.TRAIN && split != DatasetSplits.Split.VAL) {
      throw new IllegalArgumentException(DatasetSplits.MBPP_TEST_SPLIT_MESSAGE);
    }
    return new PythonCodeEnvironment(MBPP_ID, Dataset.MBPP, items, split, sandbox, REFERENCE_TEST_TIMEOUT);
  }

  /** HumanEval over its only split, {@code test}. */
  public static PythonCodeEnvironment humanEval(TaskSource<HumanEvalItem> items, CodeSandbox sandbox) {
    return new PythonCodeEnvironment(HUMANEVAL_ID, Dataset.HUMANEVAL, items, DatasetSplits.Split.TEST, sandbox, REFERENCE_TEST_TIMEOUT);
  }

  /** The same environment registered under another id (the reference serves MBPP as "python_code" too). */
  public PythonCodeEnvironment withId(String otherId) {
    return new PythonCodeEnvironment(otherId, dataset, items, split, sandbox, testTimeout);
  }

  /**
   * The same environment with another per-test alarm. Only for tests and diagnostics: rewards
   * match validators only with {@link #REFERENCE_TEST_TIMEOUT}.
   */
  public PythonCodeEnvironment withTestTimeout(Duration timeout) {
    return new PythonCodeEnvironment(id, dataset, items, split, sandbox, timeout);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Problem problem(long seed) {
    int index = (int) Math.floorMod(seed, (long) items.size());
    Object item = items.get(index % items.size());
    if (item instanceof MbppItem mbpp) {
      return new Problem(id, seed, mbppPrompt(mbpp), new DatasetTask<>(split, index, mbpp));
    }
    HumanEvalItem humanEval = (HumanEvalItem) item;
    return new Problem(id, seed, humanEval.prompt(), new DatasetTask<>(split, index, humanEval));
  }

  /** The MBPP prompt: text, blank line, the first {@code def} line, {@code "    pass"} ({@code MBPPTaskSource.next}). */
  public static String mbppPrompt(MbppItem item) {
    String signature = functionSignature(item.code());
    return signature.isEmpty() ? item.text() : item.text() + "\n\n" + signature + "\n    pass";
  }

  /** The first line of {@code code} (split on {@code \n}) that, stripped, starts with {@code "def "}; "" if none. */
  public static String functionSignature(String code) {
    if (code == null || code.isEmpty()) {
      return "";
    }
    for (String line : code.split("\n", -1)) {
      String stripped = PythonText.strip(line);
      if (stripped.startsWith("def ")) {
        return stripped;
      }
    }
    return "";
  }

  /** {@code prepare_test_cases} for an MBPP row: each assertion prefixed by the import and setup lines. */
  public static List<String> testCases(MbppItem item) {
    String setup = item.testImports().isEmpty() ? "" : String.join("\n", item.testImports());
    if (!item.testSetupCode().isEmpty()) {
      setup = setup + "\n" + item.testSetupCode();
    }
    List<String> cases = new ArrayList<>();
    for (String test : item.testList()) {
      cases.add(setup.isEmpty() ? test : setup + "\n" + test);
    }
    return cases;
  }

  /** {@code prepare_test_cases} for a HumanEval row: {@code test + "\ncheck(entry_point)"}, or none if either is empty. */
  public static List<String> testCases(HumanEvalItem item) {
    if (item.entryPoint().isEmpty() || item.test().isEmpty()) {
      return List.of();
    }
    return List.of(item.test() + "\ncheck(" + item.entryPoint() + ")");
  }

  /** {@code PythonCodeParser.parse}; compiling the code needs the sandbox. */
  public Parsed parse(String completion, ThinkingMode mode) {
    return parse(completion, mode, sandbox);
  }

  static Parsed parse(String completion, ThinkingMode mode, CodeSandbox sandbox) {
    String text = completion == null ? "" : completion;
    ThinkingParser parser = mode.parser();
    boolean hasThinking = parser.hasThinking(text);
    boolean hasSolution = parser.hasAnswer(text);
    String code = "";
    int trailing = 0;
    boolean syntaxValid = false;
    if (hasSolution) {
      ThinkingParser.AnswerMatch match = parser.answerWithThinkingCheck(text);
      if (match != null) {
        code = PythonText.strip(match.content());
        trailing = Math.max(0, match.trailing());
        if (!code.isEmpty()) {
          CompileOutcome outcome = sandbox.compile(code);
          if (outcome == CompileOutcome.VALID) {
            syntaxValid = true;
          } else if (outcome == CompileOutcome.ERROR) {
            code = "";
            trailing = 0;
          }
        }
      }
    }
    return new Parsed(code, hasThinking, hasSolution, trailing, syntaxValid);
  }

  @Override
  public Evaluation evaluate(Problem problem, String completion, ThinkingMode mode) {
    return evaluateDetailed(problem, completion, mode).evaluation();
  }

  /** {@link #evaluate} with the parse, the tests and the run kept. */
  public Detailed evaluateDetailed(Problem problem, String completion, ThinkingMode mode) {
    Object item = ((DatasetTask<?>) problem.details()).item();
    Parsed parsed = parse(completion, mode);
    List<String> tests = List.of();
    CodeRun run = null;
    if (!parsed.code().isEmpty()) {
      tests = item instanceof MbppItem mbpp ? testCases(mbpp) : testCases((HumanEvalItem) item);
      if (!tests.isEmpty()) {
        run = sandbox.run(parsed.code(), tests, testTimeout);
      }
    }
    double[] components = {
      run == null ? 0.0 : run.passRate(),
      parsed.syntaxValid() ? 1.0 : 0.0,
      parsed.hasSolution() && parsed.trailingAfterSolution() < 50 ? 1.0 : 0.0,
      parsed.hasThinking() ? 1.0 : 0.0,
    };
    Map<String, Double> named = new LinkedHashMap<>();
    double[] products = new double[components.length];
    for (int i = 0; i < components.length; i++) {
      named.put(COMPONENT_NAMES[i], components[i]);
      products[i] = components[i] * WEIGHTS[i];
    }
    boolean success = run != null && run.status() == CodeRun.Status.ALL_PASSED;
    // The rubric adds with builtin sum(), which CPython 3.12 compensates.
    Evaluation evaluation = new Evaluation(PythonFloats.sum(products), success, named);
    return new Detailed(evaluation, parsed, tests, run);
  }
}
