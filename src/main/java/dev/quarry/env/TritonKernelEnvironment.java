package dev.quarry.env;

import dev.quarry.grail.protocol.python.PythonFloats;
import dev.quarry.grail.protocol.python.PythonText;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * triton_kernel ({@code grail/environments/gpu_kernel/}): the model rewrites a KernelBench PyTorch
 * module as {@code ModelNew} with {@code @triton.jit} kernels inside {@code <SOLUTION>…</SOLUTION>}.
 *
 * <p>Reward (weights 0.05, 0.10, 0, 0.65, 0.10, 0.10, summed as CPython 3.12's {@code sum()}):
 * compilation (the code compiles), structure (0.25 each for a {@code class ModelNew(}, an
 * {@code @triton.jit}, a triton import and a torch import), gpu_compilation (always 0), correctness
 * (GPU evaluation passed), format (answer block with fewer than 50 characters after it), thinking.
 * The GPU is consulted only with GPU evaluation on and a structurally valid answer; without it
 * the reward is at most 0.35 and success means a valid structure.
 */
public final class TritonKernelEnvironment implements Environment {

  /** The environment id. */
  public static final String ID = "triton_kernel";

  private static final double[] WEIGHTS = {0.05, 0.10, 0.00, 0.65, 0.10, 0.10};
  private static final String[] COMPONENT_NAMES = {"compilation", "structure", "gpu_compilation", "correctness", "format", "thinking"};
  private static final String SPACE = PythonText.WHITESPACE_CLASS;
  private static final Pattern MODEL_NEW = Pattern.compile("class" + SPACE + "+ModelNew" + SPACE + "*\\(");
  private static final Pattern TRITON_JIT = Pattern.compile("@triton\\.jit");
  private static final Pattern TRITON_IMPORT = Pattern.compile("(?:import" + SPACE + "+triton|from" + SPACE + "+triton)");
  private static final Pattern TORCH_IMPORT = Pattern.compile("(?:import" + SPACE + "+torch|from" + SPACE + "+torch)");

  // The reference's KernelBench one-shot prompt; the PyTorch code goes between the two halves.
  private static final String PROMPT_BEFORE_CODE =
      "You write custom Triton kernels to replace the PyTorch operators in the given architecture to get speedups.\n" +
      "\n" +
      "You have complete freedom to choose the set of operators you want to replace. You may replace multiple operators with custom implementations, consider operator fusion opportunities (combining multiple operators into a single kernel, for example, combining matmul+relu), or algorithmic changes (such as online softmax). You are only limited by your imagination.\n" +
      "\n" +
      "Here is an example of how to write a Triton kernel to replace a PyTorch operator:\n" +
      "\n" +
      "Input architecture:\n" +
      "```python\n" +
      "import torch\n" +
      "import torch.nn as nn\n" +
      "\n" +
      "class Model(nn.Module):\n" +
      "    def __init__(self):\n" +
      "        super().__init__()\n" +
      "\n" +
      "    def forward(self, a, b):\n" +
      "        return a + b\n" +
      "\n" +
      "def get_inputs():\n" +
      "    return [torch.randn(4, 4), torch.randn(4, 4)]\n" +
      "\n" +
      "def get_init_inputs():\n" +
      "    return []\n" +
      "```\n" +
      "\n" +
      "Output:\n" +
      "```python\n" +
      "import torch\n" +
      "import torch.nn as nn\n" +
      "import triton\n" +
      "import triton.language as tl\n" +
      "\n" +
      "@triton.jit\n" +
      "def add_kernel(x_ptr, y_ptr, output_ptr, n_elements, BLOCK_SIZE: tl.constexpr):\n" +
      "    pid = tl.program_id(axis=0)\n" +
      "    block_start = pid * BLOCK_SIZE\n" +
      "    offsets = block_start + tl.arange(0, BLOCK_SIZE)\n" +
      "    mask = offsets < n_elements\n" +
      "    x = tl.load(x_ptr + offsets, mask=mask)\n" +
      "    y = tl.load(y_ptr + offsets, mask=mask)\n" +
      "    output = x + y\n" +
      "    tl.store(output_ptr + offsets, output, mask=mask)\n" +
      "\n" +
      "class ModelNew(nn.Module):\n" +
      "    def __init__(self):\n" +
      "        super().__init__()\n" +
      "\n" +
      "    def forward(self, a, b):\n" +
      "        output = torch.empty_like(a)\n" +
      "        n_elements = output.numel()\n" +
      "        grid = lambda meta: (triton.cdiv(n_elements, meta['BLOCK_SIZE']),)\n" +
      "        add_kernel[grid](a, b, output, n_elements, BLOCK_SIZE=1024)\n" +
      "        return output\n" +
      "```\n" +
      "\n" +
      "Now, you are given the following architecture:\n" +
      "\n" +
      "```python\n";

  private static final String PROMPT_AFTER_CODE =
      "\n" +
      "```\n" +
      "\n" +
      "Optimize the architecture named Model with custom Triton kernels! Name your optimized output architecture ModelNew. Output the new code. Please generate real code, NOT pseudocode, make sure the code compiles and is fully functional. Just output the new model code, no other text, and NO testing code (no if __name__ == '__main__')!\n" +
      "\n" +
      "Your output MUST:\n" +
      "1. Include all necessary imports (torch, torch.nn, triton, triton.language)\n" +
      "2. Define at least one @triton.jit kernel function\n" +
      "3. Define a class called ModelNew that inherits from nn.Module\n" +
      "4. Implement a forward() method that uses your custom Triton kernel(s)\n" +
      "\n" +
      "IMPORTANT: Wrap your final code in <SOLUTION> and </SOLUTION> tags. Code outside these tags is ignored.";

  /**
   * What {@code TritonKernelParser.parse} extracts.
   *
   * @param code the stripped answer block ("" when absent or rejected by the compiler with
   *     something other than a syntax error)
   * @param hasThinking a closing thinking tag is present
   * @param hasSolution an answer block is present
   * @param trailingAfterSolution code points after the answer block
   * @param syntaxValid the code compiles
   * @param hasModelNew {@code class ModelNew(} appears
   * @param hasTritonJit {@code @triton.jit} appears
   * @param hasTritonImport {@code import triton} or {@code from triton} appears
   * @param hasTorchImport {@code import torch} or {@code from torch} appears
   */
  public record Parsed(String code, boolean hasThinking, boolean hasSolution, int trailingAfterSolution, boolean syntaxValid,
      boolean hasModelNew, boolean hasTritonJit, boolean hasTritonImport, boolean hasTorchImport) {

    /** All structural checks pass and the code compiles: the condition for GPU evaluation. */
    public boolean structureValid() {
      return syntaxValid && hasModelNew && hasTritonJit && hasTritonImport && hasTorchImport;
    }

    double structureScore() {
      double score = 0.0;
      for (boolean check : new boolean[] {hasModelNew, hasTritonJit, hasTritonImport, hasTorchImport}) {
        if (check) {
          score += 0.25;
        }
      }
      return score;
    }
  }

  /**
   * An evaluation with what it was based on.
   *
   * @param evaluation the reward, success and components
   * @param parsed what the parser read
   * @param gpuResult the GPU evaluation, or null when none ran
   */
  public record Detailed(Evaluation evaluation, Parsed parsed, KernelEvaluation gpuResult) {}

  private final TaskSource<KernelBenchItem> items;
  private final DatasetSplits.Split split;
  private final CodeSandbox sandbox;
  private final KernelEvaluator gpu;

  /**
   * @param items the split's problems (see {@link DatasetSplits#kernelBench})
   * @param split train, val or all
   * @param sandbox compiles the answer (no code runs there)
   * @param gpu the GPU evaluator, or null to evaluate without a GPU (reward capped at 0.35)
   */
  public TritonKernelEnvironment(TaskSource<KernelBenchItem> items, DatasetSplits.Split split, CodeSandbox sandbox, KernelEvaluator gpu) {
    this.items = Objects.requireNonNull(items, "items");
    this.split = Objects.requireNonNull(split, "split");
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.gpu = gpu;
    if (split == DatasetSplits.Split.TEST) {
      throw new IllegalArgumentException("split must be 'train', 'val', or 'all', got 'test'");
    }
    if (items.size() == 0) {
      throw new IllegalArgumentException("No KernelBench problems found for split=" + split);
    }
  }

  @Override
  public String id() {
    return ID;
  }

  /** Whether answers are checked on a GPU. */
  public boolean evaluatesOnGpu() {
    return gpu != null;
  }

  @Override
  public Problem problem(long seed) {
    int index = DatasetSplits.indexFromSeed(seed, items.size());
    KernelBenchItem item = items.get(index % items.size());
    return new Problem(ID, seed, prompt(item.code()), new DatasetTask<>(split, index, item));
  }

  /** The user prompt for a PyTorch module. */
  public static String prompt(String pytorchCode) {
    return PROMPT_BEFORE_CODE + pytorchCode + PROMPT_AFTER_CODE;
  }

  /** {@code TritonKernelParser.parse}; compiling needs the sandbox. */
  public Parsed parse(String completion, ThinkingMode mode) {
    String text = completion == null ? "" : completion;
    ThinkingParser parser = mode.parser();
    boolean hasThinking = parser.hasThinking(text);
    boolean hasSolution = parser.hasAnswer(text);
    String code = "";
    int trailing = 0;
    boolean syntaxValid = false;
    boolean modelNew = false;
    boolean jit = false;
    boolean tritonImport = false;
    boolean torchImport = false;
    if (hasSolution) {
      ThinkingParser.AnswerMatch match = parser.answerWithThinkingCheck(text);
      if (match != null) {
        code = PythonText.strip(match.content());
        trailing = Math.max(0, match.trailing());
        if (!code.isEmpty()) {
          CompileOutcome outcome = sandbox.compile(code);
          if (outcome == CompileOutcome.ERROR) {
            code = "";
            trailing = 0;
          } else {
            syntaxValid = outcome == CompileOutcome.VALID;
            modelNew = MODEL_NEW.matcher(code).find();
            jit = TRITON_JIT.matcher(code).find();
            tritonImport = TRITON_IMPORT.matcher(code).find();
            torchImport = TORCH_IMPORT.matcher(code).find();
          }
        }
      }
    }
    return new Parsed(code, hasThinking, hasSolution, trailing, syntaxValid, modelNew, jit, tritonImport, torchImport);
  }

  @Override
  public Evaluation evaluate(Problem problem, String completion, ThinkingMode mode) {
    return evaluateDetailed(problem, completion, mode).evaluation();
  }

  /**
   * {@link #evaluate} with the parse and the GPU result kept.
   *
   * @throws UnscorableCompletionException with {@link UnscorableCompletionException.Reason#INFRASTRUCTURE}
   *     when the GPU evaluation failed for reasons unrelated to the kernel
   */
  public Detailed evaluateDetailed(Problem problem, String completion, ThinkingMode mode) {
    @SuppressWarnings("unchecked")
    KernelBenchItem item = ((DatasetTask<KernelBenchItem>) problem.details()).item();
    Parsed parsed = parse(completion, mode);
    KernelEvaluation gpuResult = null;
    if (gpu != null && !parsed.code().isEmpty() && parsed.structureValid()) {
      gpuResult = gpu.evaluate(item.code(), parsed.code());
      if (gpuResult.infrastructureError()) {
        throw new UnscorableCompletionException(UnscorableCompletionException.Reason.INFRASTRUCTURE,
            "GPU kernel evaluation failed (" + gpuResult.error() + "); the reference miner drops this group");
      }
    }
    double[] components = {
      parsed.syntaxValid() ? 1.0 : 0.0,
      parsed.structureScore(),
      0.0,
      gpuResult != null && gpuResult.correct() ? 1.0 : 0.0,
      parsed.hasSolution() && parsed.trailingAfterSolution() < 50 ? 1.0 : 0.0,
      parsed.hasThinking() ? 1.0 : 0.0,
    };
    Map<String, Double> named = new LinkedHashMap<>();
    double[] products = new double[components.length];
    for (int i = 0; i < components.length; i++) {
      named.put(COMPONENT_NAMES[i], components[i]);
      products[i] = components[i] * WEIGHTS[i];
    }
    boolean success = gpuResult != null ? gpuResult.correct() : parsed.structureValid();
    return new Detailed(new Evaluation(PythonFloats.sum(products), success, named), parsed, gpuResult);
  }
}
