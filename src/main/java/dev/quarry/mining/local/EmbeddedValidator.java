package dev.quarry.mining.local;

import dev.quarry.env.runtime.EnvironmentFactory;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.validator.ChainSnapshot;
import dev.quarry.validator.LocalValidator;
import dev.quarry.validator.MinerStatus;
import dev.quarry.validator.RowReport;
import dev.quarry.validator.ValidatorOptions;
import dev.quarry.validator.WindowReport;
import dev.quarry.validator.WindowValidation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local validator next to the embedded default: after each mined window it validates the window
 * as Grail's validator would ({@link LocalValidator}, every check, the same model) and records the
 * chain snapshot, so that {@code quarry validate --local --data-dir DIR} can check the same windows
 * again after the process has exited.
 *
 * <p>The validator's rolling state stays in memory: the embedded run reports, it does not leave a
 * state behind that a later {@code quarry validate --local} would count twice.
 */
public final class EmbeddedValidator implements AutoCloseable {

  private final LocalNetwork network;
  private final LocalValidator validator;
  private final Path snapshotFile;

  private EmbeddedValidator(LocalNetwork network, LocalValidator validator, Path snapshotFile) {
    this.network = network;
    this.validator = validator;
    this.snapshotFile = snapshotFile;
  }

  /**
   * Starts the validator over the network's chain and S3 server. A chain snapshot and validator
   * files left in the data directory by an earlier run describe another chain (each run starts a
   * new one), so they are removed first.
   */
  public static EmbeddedValidator start(LocalNetwork network, EnvironmentFactory environments) throws IOException {
    Path root = network.settings().dataDirectory().toAbsolutePath();
    Path snapshotFile = ChainSnapshot.file(root);
    Files.deleteIfExists(snapshotFile);
    deleteTree(root.resolve("validator"));
    LocalValidator validator = LocalValidator.embedded(network.chain(), network.netuid(), network.s3(), network.serverKey(),
        root.resolve("validator").resolve("checkpoints"), environments::environment,
        ValidatorOptions.defaults(), null);
    return new EmbeddedValidator(network, validator, snapshotFile);
  }

  /**
   * Validates the window (its deadline block {@code W + 30} must exist) and records the snapshot.
   *
   * @return the verdict on the local miner's file
   */
  public Verdict validate(long windowStart) throws IOException {
    int windowLength = ProtocolParameters.v5().windows().windowLength();
    ChainSnapshot.record(snapshotFile, network.chain(), network.netuid(), windowLength, 0, Duration.ofSeconds(30));
    WindowReport report = validator.validateWindow(windowStart);
    if (report.skipped() != null) {
      return new Verdict(windowStart, MinerStatus.NOT_FOUND, 0, 0, List.of("window skipped: " + report.skipped()));
    }
    String hotkey = network.minerHotkey().ss58Address();
    WindowValidation miner = report.miner(hotkey).orElse(null);
    if (miner == null) {
      return new Verdict(windowStart, MinerStatus.NOT_FOUND, 0, 0, List.of("the validator did not find miner " + hotkey));
    }
    List<String> problems = new ArrayList<>();
    if (miner.failure() != null) {
      problems.add(miner.failure().check() + ": " + miner.failure().reason());
    } else if (miner.status() != MinerStatus.VALID && miner.note() != null) {
      problems.add(miner.note());
    }
    miner.softFailures().forEach((check, count) -> {
      if (count > 0) {
        problems.add("soft " + check + " × " + count);
      }
    });
    long checkedRows = miner.rows().stream().filter(row -> row.outcome() != null).count();
    long failedRows = miner.rows().stream().filter(row -> row.outcome() == RowReport.Outcome.FAILED).count();
    if (failedRows > 0 && miner.failure() == null) {
      problems.add(failedRows + " row(s) failed");
    }
    return new Verdict(windowStart, miner.status(), (int) checkedRows, miner.sampledGroups().size(), problems);
  }

  @Override
  public void close() {
    validator.close();
  }

  private static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /**
   * What the local validator decided about the miner's file.
   *
   * @param status {@code VALID} when every check passed
   * @param checkedRows rows the validator checked
   * @param sampledGroups groups it sampled
   * @param problems the failing check and any soft-gate counts, one line each
   */
  public record Verdict(long windowStart, MinerStatus status, int checkedRows, int sampledGroups, List<String> problems) {
    public Verdict {
      problems = List.copyOf(problems);
    }

    public boolean accepted() {
      return status == MinerStatus.VALID;
    }
  }
}
