package dev.quarry.cli;

import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.drand.DrandClient;
import dev.quarry.chain.subtensor.SubtensorClient;
import dev.quarry.config.AccessKey;
import dev.quarry.config.BucketSettings;
import dev.quarry.config.QuarrySettings;
import dev.quarry.env.runtime.EnvironmentFactory;
import dev.quarry.env.runtime.EnvironmentUnavailableException;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.model.DeviceSpec;
import dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException;
import dev.quarry.storage.objectstore.BucketLocation;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import dev.quarry.storage.objectstore.TransferSettings;
import dev.quarry.validator.BucketAccess;
import dev.quarry.validator.ChainView;
import dev.quarry.validator.FileValidator;
import dev.quarry.validator.LocalValidator;
import dev.quarry.validator.MinerStatus;
import dev.quarry.validator.MinerValidator;
import dev.quarry.validator.ReportJson;
import dev.quarry.validator.ReportText;
import dev.quarry.validator.TrainerCheckpoints;
import dev.quarry.validator.ValidatorOptions;
import dev.quarry.validator.ValidatorState;
import dev.quarry.validator.WindowReport;
import dev.quarry.validator.WindowValidation;
import dev.quarry.validator.WindowValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quarry validate}: the local Grail validator. Real mode reads the subnet's commitments and
 * the miners' buckets; {@code --local} reads what a local run left in its data directory;
 * {@code --file} checks one Parquet file against a local checkpoint. Exit code 0 when every checked
 * miner is valid, 1 when one failed (or the requested miner is not valid), 3 when the window could
 * not be validated (no checkpoint), 2 for operator errors.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Run Grail's validator checks on a window: discovery with the upload deadline, miner selection, every check in the "
            + "reference order, GRPO groups, unique estimates, copycats and the weights.",
        "Real mode reads the chain (BT_NETWORK, NETUID) and miners' buckets; --local reads a local run's data directory; "
            + "--file checks one window file against a checkpoint directory."})
public final class ValidateCommand implements Callable<Integer> {

  @Mixin Verbosity verbosity;
  @Mixin EnvFileOption settingsFile;
  @Spec CommandSpec spec;

  static final class LocalMode {
    @Option(names = "--local", required = true, description = "Validate a local run (the embedded default) instead of the network.")
    boolean local;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The local run's data directory (s3/ objects and "
        + "chain/snapshot.json); default QUARRY_DATA_DIR.")
    Path dataDirectory;
  }

  static final class FileMode {
    @Option(names = "--file", paramLabel = "FILE", required = true, description = "A window Parquet file (or .gz) to check.")
    Path file;

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true,
        description = "The checkpoint directory the file was generated with (needs metadata.json).")
    Path checkpoint;

    @Option(names = "--block-hash", paramLabel = "HASH", required = true, description = "The hash of the window's first block.")
    String blockHash;

    @Option(names = "--deadline-block-hash", paramLabel = "HASH",
        description = "The hash of block W+30: the challenge randomness is then sha256 of it, as a validator without drand makes it.")
    String deadlineBlockHash;

    @Option(names = "--challenge-randomness", paramLabel = "HEX", description = "Use this validator randomness directly.")
    String challengeRandomness;

    @Option(names = "--checkpoint-window", paramLabel = "W", description = "The checkpoint's window (default: metadata.json's).")
    Long checkpointWindow;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Mode mode;

  static final class Mode {
    @ArgGroup(exclusive = false, multiplicity = "1")
    LocalMode local;

    @ArgGroup(exclusive = false, multiplicity = "1")
    FileMode file;
  }

  @Option(names = "--window", paramLabel = "W", description = "The window to validate (default: the last finished one; "
      + "with --file, the file's own).")
  Long window;

  @Option(names = "--miner", paramLabel = "HOTKEY", description = "Check only this miner, whatever the ban and the sampling "
      + "(the state is not updated). With --file: the hotkey the file is checked for (default: its footer wallet).")
  String miner;

  @Option(names = "--failure-lookback", paramLabel = "N", defaultValue = "14",
      description = "Windows a failure bans a miner from selection (Grail: 14; its guide suggests 1 when debugging).")
  int failureLookback;

  @Option(names = "--state", paramLabel = "FILE", description = "Where the rolling history is kept between runs (default: "
      + "<data dir>/validator/state.json).")
  Path stateFile;

  @Option(names = "--no-state", description = "Keep no history between runs.")
  boolean noState;

  @Option(names = "--cache", paramLabel = "DIR", description = "Checkpoint cache (real mode; default GRAIL_CACHE_DIR/checkpoints).")
  Path cache;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu", description = "Where the forward pass runs: cpu or cuda:N.")
  String device;

  @Option(names = "--drand", description = "Mix the latest drand quicknet randomness into the challenge randomness (as "
      + "Grail validators do; positions then differ from run to run).")
  boolean drand;

  @Option(names = "--rows", description = "List every checked row and its measures in the text report.")
  boolean rows;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ValidatorOptions options = options();
    WindowReport report;
    if (mode != null && mode.file != null) {
      report = validateFile(options);
    } else {
      QuarrySettings settings = EnvFileOption.settings(settingsFile.environment());
      try (EnvironmentFactory environments = EnvironmentFactory.fromSettings(settings)) {
        report = mode != null && mode.local != null ? validateLocal(settings, environments, options)
            : validateNetwork(settings, environments, options);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, ReportJson.render(report));
    } else {
      out.print(ReportText.render(report, rows));
      out.flush();
    }
    return exitCode(report);
  }

  private ValidatorOptions options() {
    if (failureLookback < 1) {
      throw new UserError("--failure-lookback must be at least 1, got " + failureLookback);
    }
    DeviceSpec deviceSpec;
    try {
      deviceSpec = DeviceSpec.parse(device);
    } catch (IllegalArgumentException unknown) {
      throw new UserError(unknown.getMessage());
    }
    ValidatorOptions options = ValidatorOptions.defaults().withFailureLookback(failureLookback).withDevice(deviceSpec);
    if (drand) {
      DrandClient client = DrandClient.create(DrandClient.Settings.defaults());
      Supplier<String> latest = () -> {
        try {
          return client.latest().toCompletableFuture().get(30, TimeUnit.SECONDS).randomness();
        } catch (Exception unavailable) {
          // The reference falls back to the block hash alone when drand fails.
          return null;
        }
      };
      options = options.withDrand(latest);
    }
    return options;
  }

  private WindowReport validateLocal(QuarrySettings settings, EnvironmentFactory environments, ValidatorOptions options)
      throws IOException {
    Path dataDirectory = mode.local.dataDirectory != null ? mode.local.dataDirectory : settings.paths().dataDirectory();
    Path state = noState || miner != null ? null : stateFile != null ? stateFile : LocalValidator.defaultStateFile(dataDirectory);
    LocalValidator validator;
    try {
      validator = LocalValidator.forDataDirectory(dataDirectory, environments::environment, options, state);
    } catch (NoSuchFileException missing) {
      throw new UserError("no local run in " + dataDirectory + ": " + missing.getFile() + " does not exist ("
          + missing.getReason() + "); pass the data directory of `quarry mine --local` with --data-dir");
    }
    try (validator) {
      long target = window != null ? window : validator.latestFinishedWindow();
      return run(() -> miner != null ? validator.validateMiner(target, miner) : validateAndSave(validator, target));
    }
  }

  private static WindowReport validateAndSave(LocalValidator validator, long window) {
    try {
      return validator.validateWindow(window);
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    }
  }

  private WindowReport validateNetwork(QuarrySettings settings, EnvironmentFactory environments, ValidatorOptions options)
      throws IOException {
    ObjectStoreSettings base = settings.storage().map(ObjectStoreSettings::from).orElseGet(ValidateCommand::cloudflareBase);
    BucketAccess buckets = BucketAccess.reading(base);
    Path state = noState || miner != null ? null
        : stateFile != null ? stateFile : settings.paths().dataDirectory().resolve("validator").resolve("state.json");
    ValidatorState history = state == null ? ValidatorState.fresh(options) : ValidatorState.load(state, options);
    try (Chain chain = SubtensorClient.connect(settings.chain().endpoint())) {
      ChainView view = ChainView.of(chain, settings.chain().netuid(), settings.chain().callTimeout().multipliedBy(4));
      TrainerCheckpoints checkpoints = new TrainerCheckpoints(view, buckets,
          cache != null ? cache : settings.paths().checkpointCache(), options.parameters().incentive().trainerUid());
      try (WindowValidator validator = new WindowValidator(view, buckets, checkpoints, environments::environment, history,
          options, "real")) {
        long target = window != null ? window : validator.latestFinishedWindow();
        WindowReport report = run(() -> miner != null ? validator.validateMiner(target, miner) : validator.validate(target));
        if (state != null && report.skipped() == null) {
          history.save(state);
        }
        return report;
      }
    }
  }

  /** Runs a validation, turning the validator's "cannot do this" failures into operator messages. */
  private static WindowReport run(Supplier<WindowReport> validation) {
    try {
      return validation.get();
    } catch (WindowValidator.WindowNotReadyException notYet) {
      throw new UserError(notYet.getMessage() + "; pass --window for a finished window");
    } catch (EnvironmentUnavailableException environment) {
      throw new UserError("this validator cannot build the checkpoint's environment: " + environment.getMessage());
    } catch (MinerValidator.ForwardPassException forward) {
      throw new UserError(forward.getMessage() + " (try --device, or a machine with more memory)", 1, forward);
    } catch (ChainException chain) {
      throw new UserError("the chain could not be read: " + chain.getMessage(), 1, chain);
    } catch (UncheckedIOException io) {
      throw new UserError(io.getMessage(), 1, io);
    }
  }

  private WindowReport validateFile(ValidatorOptions options) throws IOException {
    FileMode file = mode.file;
    BlockHash windowHash = hash(file.blockHash, "--block-hash");
    Randomness challenge;
    String source;
    if (file.challengeRandomness != null) {
      try {
        challenge = Randomness.parse(file.challengeRandomness);
      } catch (IllegalArgumentException notHex) {
        throw new UserError("--challenge-randomness: " + notHex.getMessage());
      }
      source = "given";
    } else if (file.deadlineBlockHash != null) {
      challenge = Randomness.validatorChallenge(hash(file.deadlineBlockHash, "--deadline-block-hash"), null);
      source = "sha256(hash(W + 30))";
    } else {
      challenge = Randomness.validatorChallenge(windowHash, null);
      source = "sha256(hash(W)) (a stand-in: pass --deadline-block-hash to challenge the positions a validator would)";
    }
    FileValidator.Request request = new FileValidator.Request(miner, window, windowHash, challenge, source, file.checkpoint,
        file.checkpointWindow);
    QuarrySettings settings = EnvFileOption.settings(settingsFile.environment());
    try (EnvironmentFactory environments = EnvironmentFactory.fromSettings(settings)) {
      return run(() -> {
        try {
          return FileValidator.validate(file.file, request, environments::environment, options);
        } catch (NoSuchFileException missing) {
          throw new UserError(missing.getFile() + ": " + (missing.getReason() == null ? "no such file" : missing.getReason()));
        } catch (InvalidCheckpointMetadataException unusable) {
          throw new UserError(unusable.getMessage());
        } catch (IOException failure) {
          throw new UncheckedIOException(failure);
        }
      });
    }
  }

  private static BlockHash hash(String text, String option) {
    try {
      return BlockHash.parse(text);
    } catch (IllegalArgumentException invalid) {
      throw new UserError(option + ": " + invalid.getMessage());
    }
  }

  /** Reading other accounts' R2 buckets needs no bucket of our own: per-account Cloudflare endpoints. */
  private static ObjectStoreSettings cloudflareBase() {
    AccessKey unused = AccessKey.of("unused", "unused");
    BucketLocation location = new BucketLocation("unused", "unused", BucketSettings.cloudflareEndpoint("unused"), false,
        BucketSettings.DEFAULT_REGION, false);
    return new ObjectStoreSettings(location, unused, unused, false, TransferSettings.defaults());
  }

  private int exitCode(WindowReport report) {
    if (report.skipped() != null) {
      return 3;
    }
    if (miner != null) {
      return report.miner(miner).map(WindowValidation::status).orElse(MinerStatus.NOT_FOUND) == MinerStatus.VALID ? 0 : 1;
    }
    boolean anyFailed = report.miners().stream().anyMatch(result -> result.status() == MinerStatus.FAILED);
    boolean fileNotValid = report.mode().equals("file") && report.miners().stream()
        .anyMatch(result -> result.status() != MinerStatus.VALID);
    return anyFailed || fileNotValid ? 1 : 0;
  }

}
