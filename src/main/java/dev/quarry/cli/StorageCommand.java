package dev.quarry.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.config.AccessKey;
import dev.quarry.config.ConfigurationError;
import dev.quarry.config.QuarrySettings;
import dev.quarry.storage.checkpoint.CheckpointConsumer;
import dev.quarry.storage.checkpoint.GenerationParams;
import dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException;
import dev.quarry.storage.checkpoint.LocalCheckpoint;
import dev.quarry.storage.objectstore.EmbeddedS3Server;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quarry storage ...}: operator tools over the storage package (the same code the miner runs). */
@Command(
    name = "storage",
    description = "Object storage, window files and checkpoints.",
    mixinStandardHelpOptions = true,
    subcommands = {
      StorageCommand.CheckSettings.class,
      StorageCommand.Serve.class,
      StorageCommand.InspectWindow.class,
      StorageCommand.Checkpoint.class
    })
public final class StorageCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The operator's bucket from the {@code R2_*} settings; every problem in one {@link UserError}. */
  static ObjectStoreSettings objectStoreSettings(QuarrySettings settings) {
    try {
      return ObjectStoreSettings.from(settings.requireStorage());
    } catch (ConfigurationError problem) {
      throw new UserError(problem.getMessage());
    }
  }

  @Command(name = "check-settings", mixinStandardHelpOptions = true,
      description = "Validate the R2_* variables and print the resulting settings (secrets redacted).")
  static final class CheckSettings implements java.util.concurrent.Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Mixin EnvFileOption settingsFile;
    @Spec CommandSpec spec;

    @Option(names = "--probe", description = "Also list the bucket with the write keys and read keys.")
    boolean probe;

    @Override
    public Integer call() throws IOException {
      QuarrySettings operator = EnvFileOption.settings(settingsFile.environment());
      ObjectStoreSettings settings = objectStoreSettings(operator);
      ObjectNode out = JsonOutput.mapper().createObjectNode();
      out.put("bucket", settings.location().bucket());
      out.put("endpoint", settings.location().endpoint().toString());
      out.put("region", settings.location().region());
      out.put("path_style", settings.location().pathStyle());
      out.put("write_key", settings.writeCredentials().maskedKeyId());
      out.put("read_key", settings.readFallsBackToWrite() ? "(write keys: set R2_READ_* so the write keys stay private)"
          : settings.readCredentials().maskedKeyId());
      out.put("upload_attempt_timeout_seconds", settings.transfer().attemptTimeout().toMillis() / 1000.0);
      if (!operator.warnings().isEmpty()) {
        operator.warnings().forEach(out.putArray("warnings")::add);
      }
      if (probe) {
        for (ObjectStore.Access access : ObjectStore.Access.values()) {
          try (ObjectStore store = ObjectStore.open(settings, access)) {
            out.put("probe_" + access.name().toLowerCase(java.util.Locale.ROOT),
                "ok (" + store.list("grail/windows/").size() + " window files)");
          }
        }
      }
      JsonOutput.print(spec.commandLine().getOut(), out);
      return 0;
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Run the embedded S3 server (S3Proxy, SigV4, files under <data-dir>/s3) until interrupted. "
          + "Keys come from R2_WRITE_ACCESS_KEY_ID and R2_WRITE_SECRET_ACCESS_KEY.")
  static final class Serve implements java.util.concurrent.Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Mixin EnvFileOption settingsFile;
    @Spec CommandSpec spec;

    @Option(names = "--data-dir", required = true, description = "Directory for s3/<bucket>/<key> files.")
    Path dataDirectory;

    @Option(names = "--port", defaultValue = "0", description = "Loopback port (0 picks a free one).")
    int port;

    @Option(names = "--bucket", description = "Buckets to create if missing.")
    List<String> buckets = List.of();

    @Override
    public Integer call() throws Exception {
      AccessKey keys = EnvFileOption.writeKey(settingsFile.environment());
      try (EmbeddedS3Server server = EmbeddedS3Server.start(dataDirectory, keys, port)) {
        for (String bucket : buckets) {
          server.createBucket(bucket);
        }
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode started = JsonOutput.mapper().createObjectNode();
        started.put("endpoint", server.endpoint().toString());
        started.put("root", server.root().toString());
        JsonOutput.print(out, started);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
        stopped.await();
      }
      return 0;
    }
  }

  @Command(name = "inspect-window", mixinStandardHelpOptions = true,
      description = "Read a window Parquet file (or .gz) with the validator's checks and summarise it as JSON.")
  static final class InspectWindow implements java.util.concurrent.Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A grail/windows/*.parquet file, optionally .gz.")
    Path file;

    @Override
    public Integer call() throws IOException {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (NoSuchFileException exception) {
        throw new UserError("no such file: " + file);
      }
      WindowFile window = WindowFileReader.readObject(file.getFileName().toString(), bytes);
      ObjectNode out = JsonOutput.mapper().createObjectNode();
      out.put("wallet", window.wallet());
      out.put("window_start", window.windowStart());
      out.put("window_length", window.windowLength());
      out.put("timestamp", window.timestamp());
      out.put("bytes", bytes.length);
      out.put("rows", window.rows().size());
      Map<Long, Integer> groups = new TreeMap<>();
      long tokens = 0;
      for (RolloutRow row : window.rows()) {
        groups.merge(row.rolloutGroup(), 1, Integer::sum);
        tokens += row.commit().tokenCount();
      }
      out.put("groups", groups.size());
      out.put("groups_without_16_rollouts", groups.values().stream().filter(count -> count != 16).count());
      out.put("tokens", tokens);
      ArrayNode checkpoints = out.putArray("checkpoint_windows");
      window.rows().stream().map(RolloutRow::checkpointWindow).distinct().sorted().forEach(checkpoints::add);
      JsonOutput.print(spec.commandLine().getOut(), out);
      return 0;
    }
  }

  @Command(name = "checkpoint", mixinStandardHelpOptions = true,
      description = "Fetch and verify the checkpoint a miner would use at a window (from the bucket in R2_*), "
          + "and print where it is and its generation settings.")
  static final class Checkpoint implements java.util.concurrent.Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Mixin EnvFileOption settingsFile;
    @Spec CommandSpec spec;

    @Option(names = "--window", required = true, description = "The mining window (checkpoints READY before it qualify).")
    long window;

    @Option(names = "--cache", required = true, description = "Checkpoint cache directory.")
    Path cache;

    @Override
    public Integer call() throws IOException {
      ObjectStoreSettings settings = objectStoreSettings(EnvFileOption.settings(settingsFile.environment()));
      try (ObjectStore store = ObjectStore.open(settings, ObjectStore.Access.READ)) {
        Optional<LocalCheckpoint> checkpoint = new CheckpointConsumer(store, cache).prepare(window);
        ObjectNode out = JsonOutput.mapper().createObjectNode();
        if (checkpoint.isEmpty()) {
          out.put("window", window);
          out.putNull("checkpoint_window");
          JsonOutput.print(spec.commandLine().getOut(), out);
          return 3;
        }
        LocalCheckpoint local = checkpoint.get();
        GenerationParams generation = local.metadata().generationParams();
        out.put("window", window);
        out.put("checkpoint_window", local.window());
        out.put("directory", local.directory().toString());
        out.put("source", local.source().name());
        out.put("env_id", local.metadata().envId().orElse(null));
        out.put("thinking_mode", local.metadata().thinkingMode().id());
        out.put("max_new_tokens", generation.maxNewTokens());
        out.put("temperature", generation.temperature());
        out.put("top_p", generation.topP());
        if (generation.topK().isPresent()) {
          out.put("top_k", generation.topK().getAsInt());
        } else {
          out.putNull("top_k");
        }
        out.put("repetition_penalty", generation.repetitionPenalty());
        local.metadata().weightsHash().ifPresent(hash -> out.put("weights_hash", hash));
        JsonOutput.print(spec.commandLine().getOut(), out);
        return 0;
      } catch (InvalidCheckpointMetadataException exception) {
        throw new UserError(exception.getMessage(), 4, exception);
      }
    }
  }
}
