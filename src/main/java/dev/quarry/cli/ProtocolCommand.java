package dev.quarry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.crypto.Hex;
import dev.quarry.env.CodeRun;
import dev.quarry.env.DatasetSplits;
import dev.quarry.env.DatasetTask;
import dev.quarry.env.Environment;
import dev.quarry.env.Evaluation;
import dev.quarry.env.Gsm8kEnvironment;
import dev.quarry.env.Gsm8kItem;
import dev.quarry.env.HumanEvalItem;
import dev.quarry.env.KernelBenchItem;
import dev.quarry.env.KernelEvaluation;
import dev.quarry.env.MbppItem;
import dev.quarry.env.PythonCodeEnvironment;
import dev.quarry.env.TritonKernelEnvironment;
import dev.quarry.env.UnscorableCompletionException;
import dev.quarry.env.datasets.DatasetLocations;
import dev.quarry.env.datasets.DatasetMissingException;
import dev.quarry.env.datasets.HubDataset;
import dev.quarry.env.runtime.EnvironmentFactory;
import dev.quarry.env.runtime.EnvironmentParameters;
import dev.quarry.env.runtime.EnvironmentUnavailableException;
import dev.quarry.env.MathAnswerEquivalence;
import dev.quarry.env.MathEnvironment;
import dev.quarry.env.MathItem;
import dev.quarry.env.Problem;
import dev.quarry.env.SatEnvironment;
import dev.quarry.env.SatInstance;
import dev.quarry.env.TaskSource;
import dev.quarry.env.ThinkingMode;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.Challenges;
import dev.quarry.grail.protocol.GrpoAdvantages;
import dev.quarry.grail.protocol.ProblemSeeds;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.grail.protocol.Sketch;
import dev.quarry.grail.protocol.SketchTolerance;
import dev.quarry.grail.protocol.Tokens;
import dev.quarry.grail.protocol.WindowMath;
import dev.quarry.grail.protocol.python.PythonFloats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quarry protocol …}: what the Grail protocol derives, on demand, as one JSON object per call
 * (field reference in docs/protocol-cli.md). Every subcommand calls the same code the miner and the
 * local validator use; none touches the network.
 */
@Command(
    name = "protocol",
    mixinStandardHelpOptions = true,
    description = "Show what the Grail v5 protocol derives (seeds, problems, randomness, challenges, sketches, rewards) as JSON.",
    subcommands = {
      ProtocolCommand.SeedCommand.class,
      ProtocolCommand.ProblemCommand.class,
      ProtocolCommand.RandomnessCommand.class,
      ProtocolCommand.ChallengeCommand.class,
      ProtocolCommand.SketchCommand.class,
      ProtocolCommand.AdvantagesCommand.class,
      ProtocolCommand.RewardCommand.class,
      ProtocolCommand.WindowCommand.class,
      ProtocolCommand.ParametersCommand.class
    })
public final class ProtocolCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Split sizes the reference's rules produce from the published datasets, used to show the index
   * when the dataset is not on this machine.
   */
  private static final Map<String, Map<String, Integer>> KNOWN_SPLIT_SIZES = Map.of(
      Gsm8kEnvironment.ID, Map.of("train", 7223, "val", 250, "test", 1319),
      MathEnvironment.ID, Map.of("train", 7000, "val", 500, "test", 5000),
      PythonCodeEnvironment.MBPP_ID, Map.of("train", 774, "val", 190, "validation", 190),
      PythonCodeEnvironment.PYTHON_CODE_ID, Map.of("train", 774, "val", 190, "validation", 190),
      TritonKernelEnvironment.ID, Map.of("train", 216, "val", 54, "all", 270));

  abstract static class JsonCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;

    @Override
    public Integer call() {
      JsonOutput.print(spec.commandLine().getOut(), compute());
      return 0;
    }

    abstract Object compute();
  }

  /** Where a problem's seed comes from: given directly, or derived like the miner does. */
  static final class SeedSource {
    @Option(names = "--seed", description = "The environment seed (as derived by 'protocol seed').")
    Long seed;

    @Option(names = "--hotkey", description = "Miner hotkey (SS58), to derive the seed with --block-hash and --index.")
    String hotkey;

    @Option(names = "--block-hash", description = "Hash of the window's first block (0x + 64 hex), to derive the seed.")
    String blockHash;

    @Option(names = "--index", description = "Problem index (rollout_group), to derive the seed.", defaultValue = "0")
    long index;

    long resolve() {
      if (seed != null) {
        if (hotkey != null || blockHash != null) {
          throw new UserError("give either --seed or --hotkey with --block-hash (and --index), not both");
        }
        return seed;
      }
      if (hotkey == null || blockHash == null) {
        throw new UserError("give --seed N, or --hotkey SS58 --block-hash 0x… [--index N] to derive it as the miner does");
      }
      return ProblemSeeds.environmentSeed(hotkey, blockHash(blockHash), index);
    }
  }

  /**
   * Chooses and builds an environment: gsm8k and math from a JSON Lines {@code --dataset-file} when
   * one is given, otherwise every dataset environment from the HF Parquet files (QUARRY_DATASET_DIR,
   * {@code --dataset-dir} or the Hugging Face cache), with the Python sandbox where code runs.
   */
  static final class EnvironmentChoice implements AutoCloseable {
    @Option(names = "--env", required = true,
        description = "Environment id: sat, gsm8k, math, mbpp, python_code, humaneval or triton_kernel.")
    String environment;

    @Option(names = "--split", defaultValue = "train",
        description = "Dataset split (checkpoint env_params.split): train, val or test; mbpp: train or val(idation); triton_kernel: train, val or all.")
    String split;

    @Option(names = "--dataset-file", description = "JSON Lines file of the HF split's rows (gsm8k/math only; see docs/protocol-cli.md).")
    Path datasetFile;

    @Option(names = "--dataset-dir", description = "Directory of HF dataset repositories (<owner>/<name>/...); overrides QUARRY_DATASET_DIR.")
    Path datasetDirectory;

    @Option(names = "--gpu-eval", description = "triton_kernel: evaluate kernels on the GPU of KERNEL_EVAL_GPU_IDS (checkpoint env_params.gpu_eval).")
    boolean gpuEval;

    @Option(names = "--env-file", defaultValue = ".env", description = "Operator settings file for the dataset, Python and GPU settings (optional).")
    Path envFile;

    private EnvironmentFactory factory;

    DatasetSplits.Split split() {
      try {
        return DatasetSplits.Split.fromId(split);
      } catch (IllegalArgumentException bad) {
        throw new UserError(bad.getMessage());
      }
    }

    boolean needsDataset() {
      return !environment.equals(SatEnvironment.ID);
    }

    /**
     * The environment.
     *
     * @throws EnvironmentUnavailableException when its dataset, Python or GPU is not available here
     */
    Environment build() {
      if (environment.equals(SatEnvironment.ID)) {
        return new SatEnvironment();
      }
      if (datasetFile != null) {
        return fromDatasetFile();
      }
      return factory().environment(environment, EnvironmentParameters.of(split, gpuEval));
    }

    private Environment fromDatasetFile() {
      DatasetSplits.Split chosen = split();
      return switch (environment) {
        case Gsm8kEnvironment.ID -> {
          TaskSource<Gsm8kItem> rows = DatasetFiles.gsm8k(datasetFile);
          TaskSource<Gsm8kItem> items = chosen == DatasetSplits.Split.TEST ? rows : DatasetSplits.gsm8k(chosen, rows, rows);
          yield new Gsm8kEnvironment(items, chosen);
        }
        case MathEnvironment.ID -> {
          List<TaskSource<MathItem>> subjects = DatasetFiles.mathBySubject(datasetFile);
          TaskSource<MathItem> items;
          try {
            items = DatasetSplits.math(chosen, subjects, subjects);
          } catch (IllegalArgumentException wrongRows) {
            throw new UserError(wrongRows.getMessage() + "; --dataset-file must hold all seven subjects' HF train rows");
          }
          yield new MathEnvironment(items, chosen, MathAnswerEquivalence.withoutSymbolic());
        }
        default -> throw new UserError("--dataset-file is for gsm8k and math; " + environment
            + " reads the HF Parquet files (--dataset-dir, QUARRY_DATASET_DIR or `quarry datasets download`)");
      };
    }

    private EnvironmentFactory factory() {
      if (factory == null) {
        QuarrySettings settings = QuarrySettings.from(OperatorEnvironment.load(envFile, false, System.getenv()));
        Optional<Path> directory = datasetDirectory != null ? Optional.of(datasetDirectory.toAbsolutePath())
            : settings.environments().datasetDirectory();
        factory = EnvironmentFactory.fromSettings(settings, DatasetLocations.of(directory, settings.paths().huggingFaceHome()));
      }
      return factory;
    }

    /** How to get the dataset the environment reads. */
    String howToSupply() {
      String download = HubDataset.forEnvironment(environment).map(HubDataset::downloadCommand).orElse("quarry datasets download");
      boolean jsonl = environment.equals(Gsm8kEnvironment.ID) || environment.equals(MathEnvironment.ID);
      return "run `" + download + "` (or point --dataset-dir / QUARRY_DATASET_DIR at the HF Parquet files"
          + (jsonl ? ", or pass --dataset-file with a JSON Lines export" : "") + ") to see the prompt; the index assumes the published split sizes";
    }

    @Override
    public void close() {
      if (factory != null) {
        factory.close();
      }
    }
  }

  /** Why {@code build()} failed, as an operator error. */
  static UserError unavailable(EnvironmentUnavailableException problem, EnvironmentChoice choice) {
    boolean jsonl = choice.environment.equals(Gsm8kEnvironment.ID) || choice.environment.equals(MathEnvironment.ID);
    boolean missing = problem.getCause() instanceof DatasetMissingException;
    return new UserError(problem.getMessage() + (jsonl && missing
        ? " Or pass --dataset-file with a JSON Lines export of the HF split (docs/protocol-cli.md)." : ""), problem);
  }

  @Command(name = "seed", mixinStandardHelpOptions = true,
      description = "Environment seeds and nonces the miner and validator derive for problem indices of a window.")
  static final class SeedCommand extends JsonCommand {
    @Option(names = "--hotkey", required = true, description = "Miner hotkey (SS58 address).")
    String hotkey;

    @Option(names = "--block-hash", required = true, description = "Hash of the window's first block (0x + 64 hex).")
    String blockHash;

    @Option(names = "--index", defaultValue = "0", description = "First problem index (rollout_group).")
    long index;

    @Option(names = "--count", defaultValue = "1", description = "How many consecutive problem indices to show.")
    int count;

    @Override
    Object compute() {
      if (count < 1 || count > 100_000) {
        throw new UserError("--count must be between 1 and 100000, got " + count);
      }
      if (index < 0) {
        throw new UserError("--index must be non-negative, got " + index);
      }
      BlockHash hash = blockHash(blockHash);
      List<Map<String, Object>> problems = new ArrayList<>();
      for (long i = index; i < index + count; i++) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("problem_index", i);
        problem.put("seed", ProblemSeeds.environmentSeed(hotkey, hash, i));
        problem.put("first_nonce", ProblemSeeds.nonce(i, 0));
        problem.put("last_nonce", ProblemSeeds.nonce(i, ProtocolParameters.v5().rollouts().rolloutsPerProblem() - 1));
        problems.add(problem);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("hotkey", hotkey);
      out.put("block_hash", hash.value());
      out.put("problems", problems);
      return out;
    }
  }

  @Command(name = "problem", mixinStandardHelpOptions = true,
      description = "The problem an environment poses for a seed: user prompt, system prompt and instance details.")
  static final class ProblemCommand extends JsonCommand {
    @Mixin EnvironmentChoice choice;
    @Mixin SeedSource seedSource;

    @Option(names = "--thinking-mode", defaultValue = "instructed", description = "instructed or native (checkpoint thinking_mode).")
    String thinkingMode;

    @Override
    Object compute() {
      ThinkingMode mode = thinkingMode(thinkingMode);
      long seed = seedSource.resolve();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("environment", choice.environment);
      out.put("seed", seed);
      try (EnvironmentChoice environments = choice) {
        Environment environment;
        try {
          environment = environments.build();
        } catch (EnvironmentUnavailableException unavailable) {
          Map<String, Integer> sizes = KNOWN_SPLIT_SIZES.get(choice.environment);
          boolean missingData = unavailable.getCause() instanceof DatasetMissingException;
          if (missingData && (sizes != null && sizes.containsKey(choice.split) || choice.environment.equals(PythonCodeEnvironment.HUMANEVAL_ID))) {
            boolean humanEval = choice.environment.equals(PythonCodeEnvironment.HUMANEVAL_ID);
            int size = humanEval ? 164 : sizes.get(choice.split);
            boolean modulo = humanEval || choice.environment.equals(PythonCodeEnvironment.MBPP_ID)
                || choice.environment.equals(PythonCodeEnvironment.PYTHON_CODE_ID);
            out.put("split", humanEval ? "test" : choice.split);
            out.put("split_size", size);
            out.put("index", modulo ? (int) Math.floorMod(seed, (long) size) : DatasetSplits.indexFromSeed(seed, size));
            out.put("dataset_loaded", false);
            out.put("how_to_supply", choice.howToSupply());
            return out;
          }
          throw unavailable(unavailable, choice);
        }
        Problem problem = environment.problem(seed);
        out.put("thinking_mode", mode.id());
        out.put("system_prompt", mode.systemPrompt());
        out.put("user_prompt", problem.userPrompt());
        out.put("details", details(problem));
        return out;
      }
    }
  }

  @Command(name = "randomness", mixinStandardHelpOptions = true,
      description = "The miner's beacon for a window and the validator's challenge randomness.")
  static final class RandomnessCommand extends JsonCommand {
    @Option(names = "--block-hash", required = true,
        description = "Block hash: the window's first block for the miner beacon; block W+30 for the validator's challenge of window W.")
    String blockHash;

    @Option(names = "--drand", description = "The drand round's randomness (hex). Omit to see the no-drand values.")
    String drand;

    @Override
    Object compute() {
      BlockHash hash = blockHash(blockHash);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("block_hash", hash.value());
      out.put("drand_randomness", drand);
      try {
        out.put("miner_beacon", drand == null ? Randomness.minerBeaconWithoutDrand(hash).hex() : Randomness.minerBeacon(hash, drand).hex());
        out.put("validator_challenge", Randomness.validatorChallenge(hash, drand).hex());
      } catch (IllegalArgumentException bad) {
        throw new UserError(bad.getMessage() + "; pass the 'randomness' field of the drand round");
      }
      out.put("miner_beacon_without_drand", Randomness.minerBeaconWithoutDrand(hash).hex());
      out.put("validator_challenge_without_drand", Randomness.validatorChallenge(hash, null).hex());
      return out;
    }
  }

  @Command(name = "challenge", mixinStandardHelpOptions = true,
      description = "The completion positions a validator challenges for a rollout, with their sketch tolerances.")
  static final class ChallengeCommand extends JsonCommand {
    @Option(names = "--tokens-file", required = true, description = "The rollout's token ids: JSON array or whitespace-separated integers.")
    Path tokensFile;

    @Option(names = "--randomness", required = true, description = "The validator's challenge randomness (hex, see 'protocol randomness').")
    String randomness;

    @Option(names = "--prompt-len", required = true, description = "prompt_length of the rollout.")
    int promptLength;

    @Option(names = "--completion-len", required = true, description = "completion_length of the rollout.")
    int completionLength;

    @Override
    Object compute() {
      int[] tokens = ProtocolInputs.readTokens(tokensFile);
      if (promptLength < 0 || completionLength < 0) {
        throw new UserError("--prompt-len and --completion-len must be non-negative");
      }
      if ((long) promptLength + completionLength != tokens.length) {
        throw new UserError("the tokens file holds " + tokens.length + " tokens but --prompt-len + --completion-len = "
            + ((long) promptLength + completionLength) + "; the validator rejects such a rollout, fix the lengths or the file");
      }
      Randomness challenge = randomness(randomness);
      int[] positions = Challenges.v5().positions(tokens, challenge, promptLength, completionLength);
      SketchTolerance tolerance = SketchTolerance.v5();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("prompt_length", promptLength);
      out.put("completion_length", completionLength);
      out.put("tokens_sha256", Hex.encode(Tokens.hash(tokens)));
      out.put("randomness", challenge.hex());
      out.put("k", positions.length);
      out.put("positions", positions);
      out.put("tolerances", Arrays.stream(positions).mapToLong(tolerance::tolerance).toArray());
      if (completionLength < ProtocolParameters.v5().proof().challengeK()) {
        out.put("warning", "completion_length below " + ProtocolParameters.v5().proof().challengeK() + " fails the validator's schema check");
      }
      return out;
    }
  }

  @Command(name = "sketch", mixinStandardHelpOptions = true,
      description = "Sketch commitments of hidden states for a beacon, as the miner commits and the validator recomputes them.")
  static final class SketchCommand extends JsonCommand {
    @Option(names = "--hidden-file", required = true, description = "Last-layer hidden states: .npy (float32) or JSON rows.")
    Path hiddenFile;

    @Option(names = "--randomness", required = true, description = "The miner's beacon (commit.beacon.randomness).")
    String randomness;

    @Option(names = "--first-position", defaultValue = "0", description = "Absolute token position of the first row (for tolerances).")
    long firstPosition;

    @Option(names = "--detail", description = "Also show each position's top-k indices and buckets.")
    boolean detail;

    @Override
    Object compute() {
      ProtocolInputs.HiddenStates hidden = ProtocolInputs.readHiddenStates(hiddenFile);
      Sketch sketch = Sketch.v5();
      if (hidden.hiddenSize() < sketch.topK()) {
        throw new UserError("rows of " + hiddenFile + " have " + hidden.hiddenSize() + " values; a hidden state has at least " + sketch.topK());
      }
      Randomness beacon = randomness(randomness);
      int[] coefficients = sketch.coefficients(beacon);
      long[] sketches = sketch.commitAll(hidden.values(), hidden.positions(), hidden.hiddenSize(), coefficients);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("randomness", beacon.hex());
      out.put("coefficients", coefficients);
      out.put("positions", hidden.positions());
      out.put("hidden_size", hidden.hiddenSize());
      out.put("first_position", firstPosition);
      out.put("sketches", sketches);
      SketchTolerance tolerance = SketchTolerance.v5();
      out.put("tolerances", java.util.stream.LongStream.range(0, hidden.positions()).map(p -> tolerance.tolerance(firstPosition + p)).toArray());
      if (detail) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int p = 0; p < hidden.positions(); p++) {
          int offset = p * hidden.hiddenSize();
          int[] top = sketch.topIndices(hidden.values(), offset, hidden.hiddenSize());
          int[] buckets = Arrays.stream(top).map(i -> sketch.bucket(hidden.values()[offset + i])).toArray();
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("position", firstPosition + p);
          row.put("top_indices", top);
          row.put("buckets", buckets);
          row.put("sketch", sketches[p]);
          rows.add(row);
        }
        out.put("detail", rows);
      }
      return out;
    }
  }

  @Command(name = "advantages", mixinStandardHelpOptions = true,
      description = "GRPO advantages of a group's rewards, and the validator's check of them.")
  static final class AdvantagesCommand extends JsonCommand {
    @Option(names = "--rewards", required = true, split = ",", description = "The group's total rewards, comma separated (16 in a real group).")
    List<String> rewards;

    @Override
    Object compute() {
      double[] values = new double[rewards.size()];
      for (int i = 0; i < values.length; i++) {
        Double parsed = PythonFloats.parse(rewards.get(i));
        if (parsed == null || !Double.isFinite(parsed)) {
          throw new UserError("reward '" + rewards.get(i) + "' is not a finite number");
        }
        values[i] = parsed;
      }
      double[] advantages = GrpoAdvantages.compute(values);
      GrpoAdvantages.GroupCheck check = GrpoAdvantages.check(values, advantages);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("rewards", values);
      out.put("advantages", advantages);
      out.put("advantage_sum", PythonFloats.sum(advantages));
      Map<String, Object> verdict = new LinkedHashMap<>();
      verdict.put("valid", check.valid());
      verdict.put("reason", check.reason());
      out.put("group_check", verdict);
      return out;
    }
  }

  @Command(name = "reward", mixinStandardHelpOptions = true,
      description = "The reward and success an environment gives a completion, with every component.")
  static final class RewardCommand extends JsonCommand {
    @Mixin EnvironmentChoice choice;
    @Mixin SeedSource seedSource;

    @Option(names = "--completion-file", description = "The decoded completion text (UTF-8, used exactly, nothing stripped).")
    Path completionFile;

    @Option(names = "--completion", description = "The completion text inline (instead of --completion-file).")
    String completion;

    @Option(names = "--thinking-mode", defaultValue = "instructed", description = "instructed or native (checkpoint thinking_mode).")
    String thinkingMode;

    @Override
    Object compute() {
      if ((completionFile == null) == (completion == null)) {
        throw new UserError("give the completion with exactly one of --completion-file F or --completion TEXT");
      }
      String text = completionFile != null ? ProtocolInputs.readCompletion(completionFile) : completion;
      ThinkingMode mode = thinkingMode(thinkingMode);
      long seed = seedSource.resolve();
      try (EnvironmentChoice environments = choice) {
        Environment environment;
        try {
          environment = environments.build();
        } catch (EnvironmentUnavailableException unavailable) {
          throw unavailable(unavailable, choice);
        }
        Problem problem = environment.problem(seed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", environment.id());
        out.put("seed", seed);
        out.put("thinking_mode", mode.id());
        try {
          Evaluation evaluation;
          Map<String, Object> parsed;
          if (environment instanceof PythonCodeEnvironment code) {
            PythonCodeEnvironment.Detailed detailed = code.evaluateDetailed(problem, text, mode);
            evaluation = detailed.evaluation();
            parsed = parsed(detailed);
          } else if (environment instanceof TritonKernelEnvironment kernels) {
            TritonKernelEnvironment.Detailed detailed = kernels.evaluateDetailed(problem, text, mode);
            evaluation = detailed.evaluation();
            parsed = parsed(detailed);
          } else {
            evaluation = environment.evaluate(problem, text, mode);
            parsed = parsed(problem, text, mode);
          }
          out.put("scorable", true);
          out.put("reward", evaluation.reward());
          out.put("success", evaluation.success());
          out.put("components", evaluation.components());
          out.put("parsed", parsed);
        } catch (UnscorableCompletionException unscorable) {
          // The reference's env.step raises here, or the evaluator failed: no reward exists.
          out.put("scorable", false);
          out.put("unscorable_reason", unscorable.reason().name().toLowerCase(java.util.Locale.ROOT));
          out.put("message", unscorable.getMessage());
        }
        return out;
      }
    }
  }

  @Command(name = "window", mixinStandardHelpOptions = true, description = "Window arithmetic for a block number.")
  static final class WindowCommand extends JsonCommand {
    @Option(names = "--block", required = true, description = "A block number.")
    long block;

    @Override
    Object compute() {
      if (block < 0) {
        throw new UserError("--block must be non-negative, got " + block);
      }
      WindowMath windows = WindowMath.v5();
      long start = windows.windowStart(block);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("block", block);
      out.put("window_length", windows.windowLength());
      out.put("window_start", start);
      out.put("upload_deadline_block", windows.deadlineBlock(start));
      out.put("blocks_remaining", windows.blocksRemaining(block));
      out.put("validator_target_window", windows.validatorTargetWindow(block));
      return out;
    }
  }

  @Command(name = "parameters", mixinStandardHelpOptions = true, description = "Every v5 protocol constant.")
  static final class ParametersCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
      ObjectMapper snake = JsonOutput.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
      spec.commandLine().getOut().println(snake.writeValueAsString(ProtocolParameters.v5()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  // ------------------------------------------------------------------------------------------

  static BlockHash blockHash(String text) {
    try {
      return BlockHash.parse(text);
    } catch (IllegalArgumentException bad) {
      throw new UserError(bad.getMessage() + "; copy the hash exactly as subtensor reports it");
    }
  }

  static Randomness randomness(String text) {
    try {
      return Randomness.parse(text);
    } catch (IllegalArgumentException bad) {
      throw new UserError(bad.getMessage());
    }
  }

  static ThinkingMode thinkingMode(String text) {
    try {
      return ThinkingMode.fromId(text);
    } catch (IllegalArgumentException bad) {
      throw new UserError(bad.getMessage());
    }
  }

  private static Map<String, Object> details(Problem problem) {
    Map<String, Object> details = new LinkedHashMap<>();
    if (problem.details() instanceof SatInstance sat) {
      details.put("seed_material", sat.seedMaterial());
      details.put("difficulty", sat.difficulty());
      details.put("num_vars", sat.numVars());
      details.put("clauses", sat.clauseLists());
    } else if (problem.details() instanceof DatasetTask<?> task) {
      details.put("split", task.split().id());
      details.put("index", task.index());
      if (task.item() instanceof Gsm8kItem item) {
        details.put("answer", item.answer());
        details.put("gold_answer", Gsm8kEnvironment.goldAnswer(item.answer()));
      } else if (task.item() instanceof MathItem item) {
        details.put("subject", item.subject());
        details.put("level", item.level());
        details.put("answer", item.answer());
        details.put("solution", item.solution());
      } else if (task.item() instanceof MbppItem item) {
        details.put("task_id", item.taskId());
        details.put("tests", PythonCodeEnvironment.testCases(item));
        details.put("reference_solution", item.code());
      } else if (task.item() instanceof HumanEvalItem item) {
        details.put("task_id", item.taskId());
        details.put("entry_point", item.entryPoint());
        details.put("tests", PythonCodeEnvironment.testCases(item));
        details.put("reference_solution", item.canonicalSolution());
      } else if (task.item() instanceof KernelBenchItem item) {
        details.put("level", item.level());
        details.put("problem_id", item.problemId());
        details.put("name", item.name());
        details.put("original_split", item.originalSplit());
      }
    }
    return details;
  }

  private static Map<String, Object> parsed(PythonCodeEnvironment.Detailed detailed) {
    Map<String, Object> parsed = new LinkedHashMap<>();
    parsed.put("code", detailed.parsed().code());
    parsed.put("has_thinking", detailed.parsed().hasThinking());
    parsed.put("has_solution", detailed.parsed().hasSolution());
    parsed.put("trailing_after_solution", detailed.parsed().trailingAfterSolution());
    parsed.put("syntax_valid", detailed.parsed().syntaxValid());
    CodeRun run = detailed.run();
    parsed.put("tests_passed", run == null ? 0 : run.passed());
    parsed.put("tests_total", run == null ? 0 : run.total());
    parsed.put("test_status", run == null ? "not_run" : run.status().name().toLowerCase(java.util.Locale.ROOT));
    List<Object> tests = new ArrayList<>();
    if (run != null) {
      for (CodeRun.TestOutcome test : run.tests()) {
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("passed", test.passed());
        outcome.put("error", test.error());
        tests.add(outcome);
      }
    }
    parsed.put("test_results", tests);
    return parsed;
  }

  private static Map<String, Object> parsed(TritonKernelEnvironment.Detailed detailed) {
    TritonKernelEnvironment.Parsed p = detailed.parsed();
    Map<String, Object> parsed = new LinkedHashMap<>();
    parsed.put("code", p.code());
    parsed.put("has_thinking", p.hasThinking());
    parsed.put("has_solution", p.hasSolution());
    parsed.put("trailing_after_solution", p.trailingAfterSolution());
    parsed.put("syntax_valid", p.syntaxValid());
    parsed.put("has_model_new", p.hasModelNew());
    parsed.put("has_triton_jit", p.hasTritonJit());
    parsed.put("has_triton_import", p.hasTritonImport());
    parsed.put("has_torch_import", p.hasTorchImport());
    parsed.put("structure_valid", p.structureValid());
    KernelEvaluation gpu = detailed.gpuResult();
    if (gpu != null) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("correct", gpu.correct());
      result.put("compiled", gpu.compiled());
      result.put("error", gpu.error());
      result.put("max_diff", gpu.maxDiff());
      parsed.put("gpu_result", result);
    } else {
      parsed.put("gpu_result", null);
    }
    return parsed;
  }

  private static Map<String, Object> parsed(Problem problem, String text, ThinkingMode mode) {
    Map<String, Object> parsed = new LinkedHashMap<>();
    if (problem.details() instanceof SatInstance sat) {
      SatEnvironment.Parsed p = SatEnvironment.parse(text, sat, mode);
      parsed.put("answer_text", p.answerText());
      parsed.put("has_thinking", p.hasThinking());
      parsed.put("has_answer", p.hasAnswer());
      parsed.put("strict_format_ok", p.strictFormatOk());
      parsed.put("trailing_after_answer", p.trailingAfterAnswer());
      parsed.put("answer_has_only_bits_spaces", p.answerHasOnlyBitsSpaces());
      parsed.put("assignment", p.assignment());
      parsed.put("satisfied_clauses", SatEnvironment.satisfiedClauses(sat, p));
      parsed.put("total_clauses", sat.clauses().size());
    } else if (problem.environmentId().equals(Gsm8kEnvironment.ID)) {
      Gsm8kEnvironment.Parsed p = Gsm8kEnvironment.parse(text, mode);
      parsed.put("answer_text", p.answerText());
      parsed.put("has_thinking", p.hasThinking());
      parsed.put("has_answer", p.hasAnswer());
      parsed.put("trailing_after_answer", p.trailingAfterAnswer());
      parsed.put("is_numeric_only", p.numericOnly());
    } else if (problem.environmentId().equals(MathEnvironment.ID)) {
      MathEnvironment.Parsed p = MathEnvironment.parse(text, mode);
      parsed.put("answer_text", p.answerText());
      parsed.put("has_thinking", p.hasThinking());
      parsed.put("has_answer", p.hasAnswer());
      parsed.put("trailing_after_answer", p.trailingAfterAnswer());
    }
    return parsed;
  }
}
