package dev.quarry.validator;

import dev.quarry.chain.Chain;
import dev.quarry.config.AccessKey;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.storage.objectstore.EmbeddedS3Server;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The local validator Grail's guide asks miners to debug against, in process. Two ways in:
 *
 * <ul>
 *   <li>{@link #embedded}: next to a running embedded default (its {@code LocalChain} and embedded
 *       S3 server), e.g. {@code quarry mine --local} after each window: {@code
 *       validator.validateWindow(window)} returns the {@link WindowReport};
 *   <li>{@link #forDataDirectory}: over what a finished local run left in its data directory (the
 *       objects under {@code <dir>/s3/}, the {@link ChainSnapshot} in {@code <dir>/chain/snapshot.json}),
 *       which is what {@code quarry validate --local --data-dir DIR} runs.
 * </ul>
 *
 * Checkpoints come from the trainer UID's bucket (cached under {@code <cache>}); the rolling state is
 * kept in a JSON file when one is given. Close the validator to free the model (and, for a data
 * directory, the S3 server it started).
 */
public final class LocalValidator implements AutoCloseable {

  private final WindowValidator windows;
  private final TrainerCheckpoints checkpoints;
  private final EmbeddedS3Server ownServer;
  private final Path stateFile;

  private LocalValidator(WindowValidator windows, TrainerCheckpoints checkpoints, EmbeddedS3Server ownServer, Path stateFile) {
    this.windows = windows;
    this.checkpoints = checkpoints;
    this.ownServer = ownServer;
    this.stateFile = stateFile;
  }

  /**
   * A validator over a live local chain and embedded S3 server.
   *
   * @param serverKey the key pair the server was started with (every local bucket is read with it)
   * @param checkpointCache where checkpoints are cached
   * @param stateFile where the rolling state is kept between windows, or null to keep it in memory
   */
  public static LocalValidator embedded(Chain chain, int netuid, EmbeddedS3Server server, AccessKey serverKey,
      Path checkpointCache, EnvironmentProvider environments, ValidatorOptions options, Path stateFile) throws IOException {
    ChainView view = ChainView.of(chain, netuid, Duration.ofSeconds(30));
    return create(view, BucketAccess.singleServer(server.endpoint(), serverKey), checkpointCache, environments, options,
        stateFile, null);
  }

  /**
   * A validator over a local run's data directory: starts an embedded S3 server over
   * {@code <dataDirectory>/s3} (on a free loopback port, with a fresh key pair), reads the chain
   * snapshot, caches checkpoints under {@code <dataDirectory>/validator/checkpoints} and keeps its
   * state in {@code <dataDirectory>/validator/state.json} unless {@code stateFile} says otherwise.
   */
  public static LocalValidator forDataDirectory(Path dataDirectory, EnvironmentProvider environments, ValidatorOptions options,
      Path stateFile) throws IOException {
    ChainSnapshot snapshot = ChainSnapshot.read(ChainSnapshot.file(dataDirectory));
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    AccessKey key = AccessKey.of("quarry-local-validator", HexFormat.of().formatHex(secret));
    EmbeddedS3Server server = EmbeddedS3Server.start(dataDirectory, key);
    try {
      return create(snapshot, BucketAccess.singleServer(server.endpoint(), key),
          dataDirectory.resolve("validator").resolve("checkpoints"), environments, options, stateFile, server);
    } catch (IOException | RuntimeException failure) {
      server.close();
      throw failure;
    }
  }

  /** The default state file of a data directory. */
  public static Path defaultStateFile(Path dataDirectory) {
    return dataDirectory.resolve("validator").resolve("state.json");
  }

  private static LocalValidator create(ChainView chain, BucketAccess buckets, Path checkpointCache,
      EnvironmentProvider environments, ValidatorOptions options, Path stateFile, EmbeddedS3Server ownServer) throws IOException {
    Objects.requireNonNull(options, "options");
    ValidatorState state = stateFile == null ? ValidatorState.fresh(options) : ValidatorState.load(stateFile, options);
    ProtocolParameters parameters = options.parameters();
    TrainerCheckpoints checkpoints = new TrainerCheckpoints(chain, buckets, checkpointCache, parameters.incentive().trainerUid());
    WindowValidator windows = new WindowValidator(chain, buckets, checkpoints, environments, state, options, "local");
    return new LocalValidator(windows, checkpoints, ownServer, stateFile);
  }

  /** The last window whose deadline block exists. */
  public long latestFinishedWindow() {
    return windows.latestFinishedWindow();
  }

  /** Validates a window in full and saves the state (when a state file was given). */
  public WindowReport validateWindow(long window) throws IOException {
    WindowReport report = windows.validate(window);
    if (stateFile != null && report.skipped() == null) {
      windows.state().save(stateFile);
    }
    return report;
  }

  /** Checks one miner's file regardless of bans and sampling; the state is not changed. */
  public WindowReport validateMiner(long window, String hotkey) {
    return windows.validateMiner(window, hotkey);
  }

  public ValidatorState state() {
    return windows.state();
  }

  @Override
  public void close() {
    windows.close();
    checkpoints.close();
    if (ownServer != null) {
      ownServer.close();
    }
  }
}
