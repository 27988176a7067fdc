package dev.quarry.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import kamon.metric.MeasurementUnit;
import kamon.metric.Metric;
import kamon.metric.MetricRegistry;
import kamon.prometheus.PrometheusReporter;
import kamon.tag.TagSet;
import kamon.util.Clock;
import scala.Option;

/**
 * The metrics the miner records, as typed methods, exported in Prometheus text format by {@link
 * #scrape()}. All names start with {@code quarry_}; docs/operations.md lists them.
 *
 * <p>Labels come only from typed arguments: the node name fixed at creation, device names checked
 * against {@code cpu}/{@code gpu:N}-style syntax, and enums for outcomes, phases and components. No
 * free-form string reaches a label, so no secret can.
 *
 * <p>The window is a label only on the {@code quarry_window_*} gauges, and only for the current and
 * the previous window: older window series are removed, so the series count stays bounded. Counters
 * and histograms are cumulative for the life of the process (Prometheus computes rates).
 *
 * <p>Implementation: each instance owns Kamon metric registries (no global Kamon state, so tests
 * and several instances do not interfere) and renders a fresh snapshot with Kamon's Prometheus
 * formatter on every scrape, so {@code /metrics} is never a reporting tick behind.
 */
public final class Metrics {

  /** How a problem's group of 16 rollouts ended. */
  public enum GroupOutcome { COMPLETE, DROPPED, SKIPPED_TOO_LONG, FAILED }

  /** How a window ended. */
  public enum WindowOutcome { UPLOADED, EMPTY, MISSED_DEADLINE, FAILED, NO_CHECKPOINT }

  /** What drand gave a window. */
  public enum DrandResult { VERIFIED, UNAVAILABLE, DISABLED }

  /** Where an error happened, for {@code quarry_errors_total}. */
  public enum Component { CHAIN, DRAND, CHECKPOINT, MODEL, STORAGE, MINER, CLUSTER, GOD, BLOCKZERO }

  /** A BlockZero model-io job. */
  public enum BlockZeroJob { DOWNLOAD, SIGNED_HASH_COMMIT, RECORD_COMMIT, SUBMISSION }

  /** How a BlockZero job ended: done, nothing to do (no checkpoint, no assignment), failed, or too late for its phase. */
  public enum BlockZeroOutcome { DONE, NOTHING_TO_DO, FAILED, LATE }

  /** How a G.O.D training-repo request was answered (see dev.quarry.god.TrainingRepoEndpoint). */
  public enum GodRequestOutcome {
    SERVED, MISSING_HEADERS, UNKNOWN_VALIDATOR, LOW_STAKE, INVALID_NONCE, INVALID_SIGNATURE, WRONG_MINER_HOTKEY,
    UNREADABLE_SIGNATURE, UNKNOWN_TASK_TYPE, NOT_CONFIGURED, NOT_FOUND
  }

  private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:._-]{0,62}");
  private static final int WINDOWS_KEPT = 2;

  private final String node;
  private final Config config;
  private final MetricRegistry cumulative;
  private final MetricRegistry windowed;
  private final Instant started;

  private final Metric.Counter rollouts;
  private final Metric.Counter tokensGenerated;
  private final Metric.Counter groups;
  private final Metric.Counter groupsDropped;
  private final Metric.Counter windows;
  private final Metric.Counter uploads;
  private final Metric.Counter uploadedBytes;
  private final Metric.Counter drandBeacons;
  private final Metric.Counter errors;
  private final Metric.Counter godRequests;
  private final Metric.Counter blockzeroJobs;
  private final Metric.Counter blockzeroSteps;
  private final Metric.Counter blockzeroTokens;
  private final Metric.Counter blockzeroCheckpoints;
  private final Metric.Gauge blockzeroLoss;
  private final Metric.Gauge blockzeroLearningRate;
  private final Metric.Gauge blockzeroTokensPerSecond;
  private final Metric.Gauge blockzeroGlobalVersion;
  private final Metric.Gauge blockzeroInnerStep;
  private final Metric.Gauge blockzeroPhaseIndex;
  private final Metric.Gauge blockzeroBlock;
  private final Metric.Gauge godValidators;
  private final Metric.Gauge godMetagraphSynced;
  private final Metric.Gauge godNonces;
  private final Metric.Histogram generationTime;
  private final Metric.Histogram proofTime;
  private final Metric.Histogram uploadTime;
  private final Metric.Histogram checkpointLoadTime;
  private final Metric.Histogram drandFetchTime;
  private final Metric.Gauge windowStart;
  private final Metric.Gauge checkpointWindow;
  private final Metric.Gauge currentBlock;
  private final Metric.Gauge blocksLeft;
  private final Metric.Gauge tokensPerSecond;
  private final Metric.Gauge deviceUtilization;
  private final Metric.Gauge deviceMemoryUsed;
  private final Metric.Gauge deviceMemoryTotal;
  private final Metric.Gauge activeSequences;
  private final Metric.Gauge phase;
  private final Metric.Gauge lastUploadTimestamp;
  private final Metric.Gauge useDrand;
  private final Metric.Gauge drandRound;
  private final Metric.Gauge uptime;
  private final Metric.Gauge heapUsed;
  private final Metric.Gauge heapMax;
  private final Metric.Gauge threads;
  private final Metric.Gauge windowProblems;
  private final Metric.Gauge windowGroups;
  private final Metric.Gauge windowRollouts;
  private final Metric.Gauge windowTokens;
  private final Deque<Long> labelledWindows = new ArrayDeque<>();

  private Metrics(String node, String version) {
    this.node = checkedLabel("node", node);
    this.config = ConfigFactory.parseString(
            "kamon.prometheus.start-embedded-http-server = no\n"
                + "kamon.prometheus.include-environment-tags = no\n"
                + "kamon.prometheus.buckets.custom {\n"
                + "  quarry_generation = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]\n"
                + "  quarry_proof = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]\n"
                + "  quarry_upload = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 90, 180, 300]\n"
                + "  quarry_checkpoint_load = [1, 5, 10, 30, 60, 120, 300, 600, 1200]\n"
                + "  quarry_drand_fetch = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20]\n"
                + "}\n")
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
    this.cumulative = new MetricRegistry(config, new Clock.Anchored());
    this.windowed = new MetricRegistry(config, new Clock.Anchored());
    this.started = Instant.now();

    rollouts = counter("quarry_rollouts", "Rollouts generated, by node and device.", null);
    tokensGenerated = counter("quarry_tokens_generated", "Completion tokens generated, by node and device.", null);
    groups = counter("quarry_groups", "Problems finished, by outcome (a complete group is 16 rollouts).", null);
    groupsDropped = counter("quarry_groups_dropped", "Groups left out of the window file, by reason.", null);
    windows = counter("quarry_windows", "Windows finished, by outcome.", null);
    uploads = counter("quarry_uploads", "Window file upload attempts, by outcome.", null);
    uploadedBytes = counter("quarry_uploaded", "Bytes of window files uploaded successfully.", MeasurementUnit.information().bytes());
    drandBeacons = counter("quarry_drand_beacons", "drand beacons requested for windows, by outcome.", null);
    errors = counter("quarry_errors", "Errors worth an operator's attention, by component.", null);
    godRequests = counter("quarry_god_requests", "G.O.D training-repo requests, by outcome.", null);
    blockzeroJobs = counter("quarry_blockzero_jobs", "BlockZero model-io jobs, by job and outcome.", null);
    blockzeroSteps = counter("quarry_blockzero_training_steps", "BlockZero optimizer steps.", null);
    blockzeroTokens = counter("quarry_blockzero_training_tokens", "Tokens BlockZero training has consumed.", null);
    blockzeroCheckpoints = counter("quarry_blockzero_checkpoints", "BlockZero checkpoints written by the trainer.", null);

    generationTime = histogram("quarry_generation", "Time to generate one group of rollouts, by device.");
    proofTime = histogram("quarry_proof", "Time of one proof forward batch, by device.");
    uploadTime = histogram("quarry_upload", "Time of one upload attempt.");
    checkpointLoadTime = histogram("quarry_checkpoint_load", "Time to download and load a trainer checkpoint.");
    drandFetchTime = histogram("quarry_drand_fetch", "Time to get a verified drand beacon.");

    windowStart = gauge(cumulative, "quarry_window_start", "First block of the current window.", null);
    checkpointWindow = gauge(cumulative, "quarry_checkpoint_window", "Window of the trainer checkpoint in use.", null);
    currentBlock = gauge(cumulative, "quarry_current_block", "Latest block seen on chain.", null);
    blocksLeft = gauge(cumulative, "quarry_blocks_left", "Blocks until the current window's upload deadline.", null);
    tokensPerSecond = gauge(cumulative, "quarry_tokens_per_second", "Recent generation rate, by device.", null);
    deviceUtilization = gauge(cumulative, "quarry_device_utilization_ratio", "Busy share of a device, 0 to 1.", null);
    deviceMemoryUsed = gauge(cumulative, "quarry_device_memory_used", "Device memory in use.", MeasurementUnit.information().bytes());
    deviceMemoryTotal = gauge(cumulative, "quarry_device_memory_total", "Device memory available.", MeasurementUnit.information().bytes());
    activeSequences = gauge(cumulative, "quarry_active_sequences", "Sequences a device is generating now.", null);
    phase = gauge(cumulative, "quarry_phase", "1 for the miner's current phase, 0 for the others.", null);
    lastUploadTimestamp = gauge(cumulative, "quarry_last_upload_timestamp_seconds", "Unix time of the last successful upload.", null);
    useDrand = gauge(cumulative, "quarry_use_drand", "1 when the current window mixes a verified drand beacon.", null);
    drandRound = gauge(cumulative, "quarry_drand_round", "drand round mixed into the current window.", null);
    uptime = gauge(cumulative, "quarry_process_uptime_seconds", "Seconds since this process started recording metrics.", null);
    heapUsed = gauge(cumulative, "quarry_jvm_heap_used", "JVM heap in use.", MeasurementUnit.information().bytes());
    heapMax = gauge(cumulative, "quarry_jvm_heap_max", "JVM heap limit.", MeasurementUnit.information().bytes());
    threads = gauge(cumulative, "quarry_jvm_threads", "Live JVM threads.", null);
    godValidators = gauge(cumulative, "quarry_god_validators", "Metagraph hotkeys with at least MIN_STAKE_THRESHOLD stake.", null);
    godMetagraphSynced = gauge(cumulative, "quarry_god_metagraph_synced_timestamp_seconds", "Unix time of the last metagraph read.", null);
    godNonces = gauge(cumulative, "quarry_god_nonces", "Nonces remembered for replay protection.", null);
    blockzeroLoss = gauge(cumulative, "quarry_blockzero_loss", "Loss of the last BlockZero optimizer step (cross-entropy plus load balancing).", null);
    blockzeroLearningRate = gauge(cumulative, "quarry_blockzero_learning_rate", "Learning rate of the last BlockZero step.", null);
    blockzeroTokensPerSecond = gauge(cumulative, "quarry_blockzero_tokens_per_second", "BlockZero training throughput of the last step.", null);
    blockzeroGlobalVersion = gauge(cumulative, "quarry_blockzero_global_version", "Global model version the trainer builds on.", null);
    blockzeroInnerStep = gauge(cumulative, "quarry_blockzero_inner_step", "Inner optimizer steps since that version.", null);
    blockzeroPhaseIndex = gauge(cumulative, "quarry_blockzero_phase_index", "Position of the current BlockZero phase in the cycle (0 = Distribute).", null);
    blockzeroBlock = gauge(cumulative, "quarry_blockzero_block", "Block of the last phase-service answer.", null);
    gauge(cumulative, "quarry_build_info", "Always 1; the version label says which Quarry runs.", null)
        .withTags(TagSet.of("node", this.node).withTag("version", checkedLabel("version", version))).update(1);

    windowProblems = gauge(windowed, "quarry_window_problems", "Problems attempted in a window (current and previous).", null);
    windowGroups = gauge(windowed, "quarry_window_groups", "Complete groups in a window (current and previous).", null);
    windowRollouts = gauge(windowed, "quarry_window_rollouts", "Rollouts in a window (current and previous).", null);
    windowTokens = gauge(windowed, "quarry_window_tokens", "Completion tokens in a window (current and previous).", null);

    phase(MinerPhase.STARTING);
  }

  /**
   * Metrics for one node.
   *
   * @param node this node's name in labels (host name or cluster address), e.g. {@code gpu-box-1}
   * @param version Quarry's version, for {@code quarry_build_info}
   */
  public static Metrics create(String node, String version) {
    return new Metrics(node, version);
  }

  // ---- generation and proofs

  /** Rollouts finished on a device and their completion tokens. */
  public void rolloutsGenerated(String device, int count, long completionTokens) {
    TagSet tags = deviceTags(device);
    rollouts.withTags(tags).increment(count);
    tokensGenerated.withTags(tags).increment(completionTokens);
  }

  /** One group of rollouts generated on a device. */
  public void generationTime(String device, Duration duration) {
    generationTime.withTags(deviceTags(device)).record(nanos(duration));
  }

  /** One proof forward batch on a device. */
  public void proofTime(String device, Duration duration) {
    proofTime.withTags(deviceTags(device)).record(nanos(duration));
  }

  /** A problem's group ended. */
  public void groupFinished(GroupOutcome outcome) {
    groups.withTags(nodeTags().withTag("outcome", label(outcome))).increment();
  }

  /**
   * A group left out of the window file, by reason (an enum, e.g. the Grail glue's drop reasons:
   * {@code prompt_too_long}, {@code short_completion}, {@code generation_failed}, {@code proof_failed},
   * {@code evaluation_failed}, {@code deadline}).
   */
  public void groupDropped(Enum<?> reason) {
    groupsDropped.withTags(nodeTags().withTag("reason", label(reason))).increment();
  }

  /** A device's current load; pass -1 for memory figures the device cannot report. */
  public void deviceLoad(String device, double utilization, long memoryUsedBytes, long memoryTotalBytes, int sequences, double tokensRate) {
    TagSet tags = deviceTags(device);
    deviceUtilization.withTags(tags).update(Math.max(0, Math.min(1, utilization)));
    if (memoryUsedBytes >= 0) {
      deviceMemoryUsed.withTags(tags).update(memoryUsedBytes);
    }
    if (memoryTotalBytes >= 0) {
      deviceMemoryTotal.withTags(tags).update(memoryTotalBytes);
    }
    activeSequences.withTags(tags).update(sequences);
    tokensPerSecond.withTags(tags).update(tokensRate);
  }

  // ---- windows and the chain

  /** A window began. Window-labelled series of windows before the previous one are removed. */
  public synchronized void windowStarted(long start, long checkpoint) {
    windowStart.withTags(nodeTags()).update(start);
    checkpointWindow.withTags(nodeTags()).update(checkpoint);
    if (!labelledWindows.contains(start)) {
      labelledWindows.addLast(start);
      while (labelledWindows.size() > WINDOWS_KEPT) {
        TagSet old = windowTags(labelledWindows.removeFirst());
        for (Metric.Gauge gauge : List.of(windowProblems, windowGroups, windowRollouts, windowTokens)) {
          gauge.remove(old);
        }
      }
      // Kamon drops a removed series at the next resetting snapshot; take it now so the old
      // window is gone from the very next scrape (gauges keep their values through it).
      windowed.snapshot(true);
    }
    progress(start, 0, 0, 0, 0);
  }

  /** Totals so far in a window. */
  public synchronized void windowProgress(long start, int problems, int completeGroups, int windowRolloutCount, long tokens) {
    if (!labelledWindows.contains(start)) {
      return;
    }
    progress(start, problems, completeGroups, windowRolloutCount, tokens);
  }

  private void progress(long start, int problems, int completeGroups, int windowRolloutCount, long tokens) {
    TagSet tags = windowTags(start);
    windowProblems.withTags(tags).update(problems);
    windowGroups.withTags(tags).update(completeGroups);
    windowRollouts.withTags(tags).update(windowRolloutCount);
    windowTokens.withTags(tags).update(tokens);
  }

  /** A window ended. */
  public void windowFinished(WindowOutcome outcome) {
    windows.withTags(nodeTags().withTag("outcome", label(outcome))).increment();
  }

  /** The chain head and the blocks left until the window's deadline. */
  public void chainHead(long block, long blocksUntilDeadline) {
    currentBlock.withTags(nodeTags()).update(block);
    blocksLeft.withTags(nodeTags()).update(blocksUntilDeadline);
  }

  /** The miner entered a phase; exactly one phase series is 1. */
  public void phase(MinerPhase current) {
    for (MinerPhase each : MinerPhase.values()) {
      phase.withTags(nodeTags().withTag("phase", label(each))).update(each == current ? 1 : 0);
    }
  }

  /** A checkpoint was loaded. */
  public void checkpointLoaded(Duration duration) {
    checkpointLoadTime.withTags(nodeTags()).record(nanos(duration));
  }

  // ---- uploads, drand, errors

  /** An upload attempt ended; {@code bytes} counts only when it succeeded. */
  public void uploadFinished(boolean succeeded, long bytes, Duration duration) {
    uploads.withTags(nodeTags().withTag("outcome", succeeded ? "success" : "failure")).increment();
    uploadTime.withTags(nodeTags()).record(nanos(duration));
    if (succeeded) {
      uploadedBytes.withTags(nodeTags()).increment(bytes);
      lastUploadTimestamp.withTags(nodeTags()).update(Instant.now().toEpochMilli() / 1000.0);
    }
  }

  /** What drand gave the current window; {@code round} is ignored unless verified. */
  public void drand(DrandResult result, long round, Duration fetchTime) {
    drandBeacons.withTags(nodeTags().withTag("outcome", label(result))).increment();
    useDrand.withTags(nodeTags()).update(result == DrandResult.VERIFIED ? 1 : 0);
    if (result == DrandResult.VERIFIED) {
      drandRound.withTags(nodeTags()).update(round);
    }
    if (result != DrandResult.DISABLED) {
      drandFetchTime.withTags(nodeTags()).record(nanos(fetchTime));
    }
  }

  /** An error an operator should see on a dashboard. Details belong in the log, not here. */
  public void error(Component component) {
    errors.withTags(nodeTags().withTag("component", label(component))).increment();
  }

  // ---- G.O.D miner

  /** A training-repo request was answered. */
  public void godRequest(GodRequestOutcome outcome) {
    godRequests.withTags(nodeTags().withTag("outcome", label(outcome))).increment();
  }

  /** The metagraph was read: validators at or above the threshold, and when. */
  public void godMetagraph(long validatorsAboveThreshold, Instant syncedAt) {
    godValidators.withTags(nodeTags()).update(validatorsAboveThreshold);
    godMetagraphSynced.withTags(nodeTags()).update(syncedAt.toEpochMilli() / 1000.0);
  }

  /** Nonces the replay cache holds now. */
  public void godNonces(int remembered) {
    godNonces.withTags(nodeTags()).update(remembered);
  }

  // ---- BlockZero miner

  /** A model-io job ended. */
  public void blockzeroJob(BlockZeroJob job, BlockZeroOutcome outcome) {
    blockzeroJobs.withTags(nodeTags().withTag("job", label(job)).withTag("outcome", label(outcome))).increment();
  }

  /** The phase service answered: where in the cycle we are. */
  public void blockzeroPhase(int phaseIndex, long block) {
    blockzeroPhaseIndex.withTags(nodeTags()).update(phaseIndex);
    blockzeroBlock.withTags(nodeTags()).update(block);
  }

  /** One optimizer step finished. */
  public void blockzeroTrainingStep(double loss, double learningRate, long tokens, Duration duration, long globalVersion,
      long innerStep) {
    blockzeroSteps.withTags(nodeTags()).increment();
    blockzeroTokens.withTags(nodeTags()).increment(Math.max(0, tokens));
    blockzeroLoss.withTags(nodeTags()).update(loss);
    blockzeroLearningRate.withTags(nodeTags()).update(learningRate);
    double seconds = Math.max(1e-9, duration.toNanos() / 1e9);
    blockzeroTokensPerSecond.withTags(nodeTags()).update(tokens / seconds);
    blockzeroGlobalVersion.withTags(nodeTags()).update(globalVersion);
    blockzeroInnerStep.withTags(nodeTags()).update(innerStep);
  }

  /** The trainer wrote a checkpoint. */
  public void blockzeroCheckpoint() {
    blockzeroCheckpoints.withTags(nodeTags()).increment();
  }

  // ---- export

  /** The Prometheus text exposition (format 0.0.4) of every metric, current as of this call. */
  public synchronized String scrape() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    uptime.withTags(nodeTags()).update(Duration.between(started, Instant.now()).toMillis() / 1000.0);
    heapUsed.withTags(nodeTags()).update(heap.getUsed());
    heapMax.withTags(nodeTags()).update(heap.getMax());
    threads.withTags(nodeTags()).update(ManagementFactory.getThreadMXBean().getThreadCount());
    // Cumulative registry: never reset, so counters and histograms keep counting up.
    // Windowed registry: reset on every scrape, which is what lets removed window series disappear;
    // gauges keep their value across resets.
    return render(cumulative, false) + render(windowed, true);
  }

  private String render(MetricRegistry registry, boolean reset) {
    PrometheusReporter reporter = new PrometheusReporter("kamon.prometheus", config);
    try {
      reporter.reportPeriodSnapshot(registry.snapshot(reset));
      return reporter.scrapeData();
    } finally {
      reporter.stop();
    }
  }

  // ---- helpers

  private TagSet nodeTags() {
    return TagSet.of("node", node);
  }

  private TagSet deviceTags(String device) {
    return nodeTags().withTag("device", checkedLabel("device", device));
  }

  private TagSet windowTags(long start) {
    return nodeTags().withTag("window", Long.toString(start));
  }

  private static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private static String checkedLabel(String what, String value) {
    if (value == null || !LABEL_VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " label must be 1-63 characters of letters, digits, ':', '.', '_' or '-'");
    }
    return value;
  }

  private static long nanos(Duration duration) {
    return Math.max(0, duration.toNanos());
  }

  private Metric.Counter counter(String name, String description, MeasurementUnit unit) {
    return cumulative.counter(name, Option.apply(description), Option.apply(unit), Option.empty());
  }

  private Metric.Histogram histogram(String name, String description) {
    return cumulative.histogram(name, Option.apply(description), Option.apply(MeasurementUnit.time().nanoseconds()), Option.empty(), Option.empty());
  }

  private static Metric.Gauge gauge(MetricRegistry registry, String name, String description, MeasurementUnit unit) {
    return registry.gauge(name, Option.apply(description), Option.apply(unit), Option.empty());
  }
}
