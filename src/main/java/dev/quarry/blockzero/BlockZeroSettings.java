package dev.quarry.blockzero;

import dev.quarry.config.ConfigurationError;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.config.Secret;
import dev.quarry.config.Variable;
import dev.quarry.model.DeviceSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The BlockZero miner's settings ({@code QUARRY_BLOCKZERO_*}, see docs/configuration.md), read
 * and checked once; a bad value stops a role with a message naming the variable and the fix.
 * Defaults are the reference's ({@code mycelia/shared/config.py} and {@code expert_groups/exp_math}).
 *
 * @param netuid the subnet
 * @param phaseService base URL of the owner's phase service
 * @param expertGroup the group this hotkey trains and commits
 * @param expertAssignment the group's {@code expert_assignment.json} (training only)
 * @param model the base model directory (training only)
 * @param dataset the JSONL training data (training only)
 * @param shard this miner's share of the dataset
 * @param root root of the checkpoint tree
 * @param run the run name
 * @param devices training devices (several: data parallel)
 * @param training optimizer and schedule settings
 * @param checkpointInterval optimizer steps between checkpoints
 * @param checkpointKeep checkpoints kept per directory
 * @param axon address to publish with serve_axon at start, if any
 * @param validatorToken bearer token for validators, if they need one
 * @param blockTime seconds per block, to pace polls
 */
public record BlockZeroSettings(int netuid, URI phaseService, int expertGroup, Optional<Path> expertAssignment,
    Optional<Path> model, Optional<Path> dataset, DataShard shard, Path root, String run, List<DeviceSpec> devices,
    Training training, int checkpointInterval, int checkpointKeep, Optional<HostPort> axon, Optional<Secret> validatorToken,
    Duration blockTime) {

  /** The reference's testnet subnet on BlockZero main. */
  public static final int DEFAULT_NETUID = 348;
  public static final URI DEFAULT_PHASE_SERVICE = URI.create("http://149.137.225.62:7000");

  /** Rows {@code i} with {@code i % count == rank}. */
  public record DataShard(int rank, int count) {
    public DataShard {
      if (count < 1 || rank < 0 || rank >= count) {
        throw new IllegalArgumentException("a shard is rank/count with 0 <= rank < count");
      }
    }

    public boolean includes(long row) {
      return row % count == rank;
    }
  }

  /**
   * How the expert group is trained.
   *
   * @param learningRate peak learning rate
   * @param warmupSteps linear warm-up steps
   * @param totalSteps steps of the cosine schedule
   * @param gradientAccumulation micro-batches per optimizer step
   * @param batchSize sequences per micro-batch and device
   * @param sequenceLength tokens per sequence
   * @param topK experts per token while training
   */
  public record Training(double learningRate, int warmupSteps, int totalSteps, int gradientAccumulation, int batchSize,
      int sequenceLength, int topK) {}

  /** A host and port to advertise. */
  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  public BlockZeroSettings {
    devices = List.copyOf(devices);
  }

  /** Reads the variables; {@code base} supplies Quarry's data directory (the default root). */
  public static BlockZeroSettings from(OperatorEnvironment environment, QuarrySettings base) {
    return from(environment, base.paths().dataDirectory());
  }

  static BlockZeroSettings from(OperatorEnvironment environment, Path dataDirectory) {
    List<ConfigurationError.Problem> problems = new ArrayList<>();
    Reader read = new Reader(environment, problems);
    int netuid = read.integer(Variable.QUARRY_BLOCKZERO_NETUID, DEFAULT_NETUID, 0, 65535);
    URI phaseService = read.raw(Variable.QUARRY_BLOCKZERO_PHASE_SERVICE).map(value -> {
      try {
        URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
          read.problem(Variable.QUARRY_BLOCKZERO_PHASE_SERVICE, "\"" + value + "\" is not an http(s) URL, e.g. http://149.137.225.62:7000");
          return DEFAULT_PHASE_SERVICE;
        }
        return uri;
      } catch (URISyntaxException invalid) {
        read.problem(Variable.QUARRY_BLOCKZERO_PHASE_SERVICE, "\"" + value + "\" is not a URL");
        return DEFAULT_PHASE_SERVICE;
      }
    }).orElse(DEFAULT_PHASE_SERVICE);
    int group = read.integer(Variable.QUARRY_BLOCKZERO_EXPERT_GROUP, 0, 0, 1_000_000);
    Optional<Path> assignment = read.raw(Variable.QUARRY_BLOCKZERO_EXPERT_ASSIGNMENT).map(Reader::path);
    Optional<Path> model = read.raw(Variable.QUARRY_BLOCKZERO_MODEL).map(Reader::path);
    Optional<Path> dataset = read.raw(Variable.QUARRY_BLOCKZERO_DATASET).map(Reader::path);
    DataShard shard = read.raw(Variable.QUARRY_BLOCKZERO_DATA_SHARD).map(value -> {
      String[] parts = value.split("/");
      try {
        if (parts.length == 2) {
          return new DataShard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        }
      } catch (IllegalArgumentException invalid) {
        // reported below
      }
      read.problem(Variable.QUARRY_BLOCKZERO_DATA_SHARD, "\"" + value + "\" is not rank/count with 0 <= rank < count, e.g. 0/1");
      return new DataShard(0, 1);
    }).orElse(new DataShard(0, 1));
    Path root = read.raw(Variable.QUARRY_BLOCKZERO_DIR).map(Reader::path).orElse(dataDirectory.resolve("blockzero"));
    String run = read.raw(Variable.QUARRY_BLOCKZERO_RUN).orElse("foundation");
    if (!run.matches("[A-Za-z0-9._-]+") || run.startsWith(".")) {
      read.problem(Variable.QUARRY_BLOCKZERO_RUN, "is not a directory name (letters, digits, '.', '_', '-')");
    }
    List<DeviceSpec> devices = new ArrayList<>();
    for (String device : read.raw(Variable.QUARRY_BLOCKZERO_DEVICES).orElse("cpu").split(",")) {
      try {
        DeviceSpec spec = DeviceSpec.parse(device);
        if (devices.contains(spec)) {
          read.problem(Variable.QUARRY_BLOCKZERO_DEVICES, "names " + spec + " twice");
        }
        devices.add(spec);
      } catch (IllegalArgumentException unknown) {
        read.problem(Variable.QUARRY_BLOCKZERO_DEVICES, unknown.getMessage());
      }
    }
    if (devices.size() > 1 && devices.contains(DeviceSpec.cpu())) {
      read.problem(Variable.QUARRY_BLOCKZERO_DEVICES, "mixes cpu with GPUs; data parallel runs over GPUs only");
    }
    Training training = new Training(read.decimal(Variable.QUARRY_BLOCKZERO_LR, 2e-5, 0, 10),
        read.integer(Variable.QUARRY_BLOCKZERO_WARMUP_STEPS, 600, 0, Integer.MAX_VALUE),
        read.integer(Variable.QUARRY_BLOCKZERO_TOTAL_STEPS, 88_000, 1, Integer.MAX_VALUE),
        read.integer(Variable.QUARRY_BLOCKZERO_GRADIENT_ACCUMULATION, 5, 1, 10_000),
        read.integer(Variable.QUARRY_BLOCKZERO_BATCH_SIZE, 2, 1, 100_000),
        read.integer(Variable.QUARRY_BLOCKZERO_SEQUENCE_LENGTH, 100, 2, 1_000_000),
        read.integer(Variable.QUARRY_BLOCKZERO_TOP_K, 1, 1, 1024));
    int interval = read.integer(Variable.QUARRY_BLOCKZERO_CHECKPOINT_INTERVAL, 20, 1, 1_000_000);
    int keep = read.integer(Variable.QUARRY_BLOCKZERO_CHECKPOINT_KEEP, 5, 1, 1000);
    Optional<HostPort> axon = read.raw(Variable.QUARRY_BLOCKZERO_AXON).flatMap(value -> {
      int colon = value.lastIndexOf(':');
      try {
        if (colon > 0) {
          int port = Integer.parseInt(value.substring(colon + 1));
          if (port >= 1 && port <= 65535) {
            return Optional.of(new HostPort(value.substring(0, colon), port));
          }
        }
      } catch (NumberFormatException invalid) {
        // reported below
      }
      read.problem(Variable.QUARRY_BLOCKZERO_AXON, "\"" + value + "\" is not ip:port, e.g. 203.0.113.7:8000");
      return Optional.empty();
    });
    Optional<Secret> token = read.raw(Variable.QUARRY_BLOCKZERO_VALIDATOR_TOKEN).map(Secret::of);
    double blockSeconds = read.decimal(Variable.QUARRY_BLOCKZERO_BLOCK_SECONDS, 12, 0.05, 600);
    if (!problems.isEmpty()) {
      throw new ConfigurationError(problems);
    }
    return new BlockZeroSettings(netuid, phaseService, group, assignment, model, dataset, shard, root, run, devices, training,
        interval, keep, axon, token, Duration.ofMillis(Math.round(blockSeconds * 1000)));
  }

  /** The training inputs, checked: each must be set and exist. */
  public record TrainingInputs(Path model, Path expertAssignment, Path dataset) {}

  /** What {@code blockzero train} needs; every missing or absent input is reported at once. */
  public TrainingInputs requireTrainingInputs() {
    List<ConfigurationError.Problem> problems = new ArrayList<>();
    Path modelPath = require(model, Variable.QUARRY_BLOCKZERO_MODEL, true, "the base model directory (config.json, "
        + "model.safetensors, tokenizer); `quarry model init-tiny --arch blockzero-moe --out DIR` writes a tiny one", problems);
    Path assignmentPath = require(expertAssignment, Variable.QUARRY_BLOCKZERO_EXPERT_ASSIGNMENT, false,
        "the expert group's expert_assignment.json", problems);
    Path datasetPath = require(dataset, Variable.QUARRY_BLOCKZERO_DATASET, false, "a JSONL file of training rows", problems);
    if (!problems.isEmpty()) {
      throw new ConfigurationError(problems);
    }
    return new TrainingInputs(modelPath, assignmentPath, datasetPath);
  }

  private static Path require(Optional<Path> value, Variable variable, boolean directory, String what,
      List<ConfigurationError.Problem> problems) {
    if (value.isEmpty()) {
      problems.add(new ConfigurationError.Problem(variable.name(), "is not set; set it to " + what));
      return null;
    }
    boolean exists = directory ? Files.isDirectory(value.get()) : Files.isRegularFile(value.get());
    if (!exists) {
      problems.add(new ConfigurationError.Problem(variable.name(), value.get() + " is not " + (directory ? "a directory" : "a file")
          + "; set it to " + what));
    }
    return value.get();
  }

  /** The same settings with another root and run (tests, --local). */
  public BlockZeroSettings withRoot(Path newRoot) {
    return new BlockZeroSettings(netuid, phaseService, expertGroup, expertAssignment, model, dataset, shard, newRoot, run,
        devices, training, checkpointInterval, checkpointKeep, axon, validatorToken, blockTime);
  }

  public BlockZeroSettings withPhaseService(URI value) {
    return new BlockZeroSettings(netuid, value, expertGroup, expertAssignment, model, dataset, shard, root, run, devices,
        training, checkpointInterval, checkpointKeep, axon, validatorToken, blockTime);
  }

  public BlockZeroSettings withNetuid(int value) {
    return new BlockZeroSettings(value, phaseService, expertGroup, expertAssignment, model, dataset, shard, root, run, devices,
        training, checkpointInterval, checkpointKeep, axon, validatorToken, blockTime);
  }

  public BlockZeroSettings withBlockTime(Duration value) {
    return new BlockZeroSettings(netuid, phaseService, expertGroup, expertAssignment, model, dataset, shard, root, run, devices,
        training, checkpointInterval, checkpointKeep, axon, validatorToken, value);
  }

  public BlockZeroSettings withTraining(Training value, int interval) {
    return new BlockZeroSettings(netuid, phaseService, expertGroup, expertAssignment, model, dataset, shard, root, run, devices,
        value, interval, checkpointKeep, axon, validatorToken, blockTime);
  }

  public BlockZeroSettings withInputs(Path newModel, Path newAssignment, Path newDataset) {
    return new BlockZeroSettings(netuid, phaseService, expertGroup, Optional.ofNullable(newAssignment), Optional.ofNullable(newModel),
        Optional.ofNullable(newDataset), shard, root, run, devices, training, checkpointInterval, checkpointKeep, axon,
        validatorToken, blockTime);
  }

  public BlockZeroSettings withExpertGroup(int value) {
    return new BlockZeroSettings(netuid, phaseService, value, expertAssignment, model, dataset, shard, root, run, devices,
        training, checkpointInterval, checkpointKeep, axon, validatorToken, blockTime);
  }

  /** Reads single variables, collecting problems instead of stopping at the first. */
  private static final class Reader {
    private final OperatorEnvironment environment;
    private final List<ConfigurationError.Problem> problems;

    Reader(OperatorEnvironment environment, List<ConfigurationError.Problem> problems) {
      this.environment = environment;
      this.problems = problems;
    }

    Optional<String> raw(Variable variable) {
      return environment.get(variable.name()).map(String::strip).filter(value -> !value.isEmpty());
    }

    void problem(Variable variable, String message) {
      String subject = environment.get(variable.name()).isPresent()
          ? variable.name() + " (" + environment.originOf(variable.name()) + ")" : variable.name();
      problems.add(new ConfigurationError.Problem(subject, message));
    }

    int integer(Variable variable, int fallback, int min, int max) {
      Optional<String> value = raw(variable);
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value.get());
        if (parsed >= min && parsed <= max) {
          return parsed;
        }
        problem(variable, "\"" + value.get() + "\" is out of range (" + min + " to " + max + ")");
      } catch (NumberFormatException notANumber) {
        problem(variable, "\"" + value.get() + "\" is not a whole number (default " + variable.defaultValue() + ")");
      }
      return fallback;
    }

    double decimal(Variable variable, double fallback, double min, double max) {
      Optional<String> value = raw(variable);
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        double parsed = Double.parseDouble(value.get());
        if (parsed >= min && parsed <= max) {
          return parsed;
        }
        problem(variable, "\"" + value.get() + "\" is out of range (" + min + " to " + max + ")");
      } catch (NumberFormatException notANumber) {
        problem(variable, "\"" + value.get() + "\" is not a number (default " + variable.defaultValue() + ")");
      }
      return fallback;
    }

    static Path path(String value) {
      return value.startsWith("~/") ? Path.of(System.getProperty("user.home")).resolve(value.substring(2)) : Path.of(value);
    }
  }
}
