package dev.quarry.validator;

import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import dev.quarry.grail.protocol.ValidatorSampling;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.ModelLoadException;
import dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException;
import dev.quarry.storage.checkpoint.LocalCheckpoint;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.validator.checks.Check;
import dev.quarry.validator.checks.CopycatTracker;
import dev.quarry.validator.checks.Rejection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates whole windows as a Grail validator does ({@code ValidationService._process_window} and
 * {@code WindowProcessor.process_window}): the trainer checkpoint READY before the window and its
 * environment; the window's block hash and the challenge randomness from the hash of {@code W + 30}
 * (plus drand when configured); the deadline {@code timestamp(W + 30) − 4 s}; discovery of every
 * neuron's file through its on-chain read credentials; the ban (failures within the lookback);
 * deterministic miner selection; each selected miner's checks ({@link MinerValidator}); copycat
 * gating; and the rolling state and weights ({@link ValidatorState}, {@link WeightsReport}).
 *
 * <p>The model of the current checkpoint stays loaded between windows; close the validator to free
 * it. One window at a time (not thread-safe).
 */
public final class WindowValidator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WindowValidator.class);
  private static final int DISCOVERY_CONCURRENCY = 8;

  private final ChainView chain;
  private final BucketAccess buckets;
  private final CheckpointSource checkpoints;
  private final EnvironmentProvider environments;
  private final ValidatorState state;
  private final ValidatorOptions options;
  private final String mode;
  private final ProtocolParameters parameters;
  private CausalLanguageModel model;
  private long modelCheckpoint = -1;

  /**
   * @param mode how the report names this run ({@code real} or {@code local})
   */
  public WindowValidator(ChainView chain, BucketAccess buckets, CheckpointSource checkpoints, EnvironmentProvider environments,
      ValidatorState state, ValidatorOptions options, String mode) {
    this.chain = Objects.requireNonNull(chain, "chain");
    this.buckets = Objects.requireNonNull(buckets, "buckets");
    this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    this.environments = Objects.requireNonNull(environments, "environments");
    this.state = Objects.requireNonNull(state, "state");
    this.options = Objects.requireNonNull(options, "options");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.parameters = options.parameters();
    state.setFailureLookback(options.failureLookbackWindows());
  }

  public ValidatorState state() {
    return state;
  }

  /** The window a validator checks while the chain is at its current head: the last finished one. */
  public long latestFinishedWindow() {
    int length = parameters.windows().windowLength();
    return (chain.currentBlock() / length) * length - length;
  }

  /**
   * Validates window {@code window} in full: discovery, the ban, sampling, checks, copycat gating,
   * and the state update (availability, selection, failures, metrics), then the weights.
   */
  public WindowReport validate(long window) {
    return run(window, null);
  }

  /**
   * Checks one miner's file of window {@code window} whatever the ban and the sampling (as Grail's
   * test mode checks the validator's own hotkey), without updating the rolling state.
   */
  public WindowReport validateMiner(long window, String hotkey) {
    return run(window, Objects.requireNonNull(hotkey, "hotkey"));
  }

  private WindowReport run(long window, String onlyHotkey) {
    int length = parameters.windows().windowLength();
    if (window < 0 || window % length != 0) {
      throw new IllegalArgumentException("a window starts at a multiple of " + length + ", got " + window);
    }
    long deadlineBlock = window + length;
    long head = chain.currentBlock();
    if (head < deadlineBlock) {
      throw new WindowNotReadyException("window " + window + " is not over: the chain is at block " + head
          + "; it can be validated from block " + deadlineBlock + " on");
    }
    Prepared prepared = prepare(window);
    if (prepared.skipped() != null) {
      return WindowReport.skipped(window, mode, prepared.skipped());
    }
    ValidationSetup setup = prepared.setup();
    Instant deadline = chain.blockTimestamp(deadlineBlock)
        .plusMillis(Math.round(parameters.validation().deadlineSlackSeconds() * 1000));

    List<ChainView.Neuron> neurons = chain.neurons();
    Map<String, Integer> uids = new LinkedHashMap<>();
    neurons.forEach(neuron -> uids.put(neuron.hotkey(), neuron.uid()));
    Map<String, ReadCredentialCommitment> credentials = chain.readCredentials();

    Map<String, ObjectStore> stores = new ConcurrentHashMap<>();
    try {
      List<String> candidates = onlyHotkey == null ? new ArrayList<>(uids.keySet()) : List.of(onlyHotkey);
      Map<String, MinerFiles.Probe> probes = discover(candidates, credentials, stores, window, deadline);
      List<String> active = new ArrayList<>();
      int late = 0;
      for (Map.Entry<String, MinerFiles.Probe> probe : probes.entrySet()) {
        if (probe.getValue().presence() == MinerFiles.Presence.ACTIVE) {
          active.add(probe.getKey());
        } else if (probe.getValue().presence() == MinerFiles.Presence.LATE) {
          late++;
        }
      }
      Set<String> bannedNow = new LinkedHashSet<>();
      active.stream().filter(hotkey -> state.failureCount(hotkey) > 0).forEach(bannedNow::add);
      List<String> eligible = active.stream().filter(hotkey -> !bannedNow.contains(hotkey)).toList();
      int lookback = state.failureLookback();
      List<String> selected;
      if (onlyHotkey != null) {
        selected = active.contains(onlyHotkey) ? List.of(onlyHotkey) : List.of();
      } else {
        state.recordAvailability(new LinkedHashSet<>(active));
        selected = new ValidatorSampling(parameters).selectMiners(eligible, setup.windowBlockHash(), state.selectionCounts());
        state.recordSelection(new LinkedHashSet<>(selected));
      }

      MinerValidator validator = new MinerValidator(setup);
      Map<String, WindowValidation> results = new LinkedHashMap<>();
      Map<String, CopycatTracker.Submission> submissions = new LinkedHashMap<>();
      for (String hotkey : selected) {
        MinerFiles.Probe probe = probes.get(hotkey);
        ObjectStore store = stores.get(storeKey(credentials.get(hotkey)));
        MinerFiles.Loaded loaded = MinerFiles.load(store, hotkey, uids.get(hotkey), window, probe.upload());
        if (loaded.unusable() != null) {
          results.put(hotkey, loaded.unusable());
          continue;
        }
        long started = System.nanoTime();
        MinerValidator.Outcome outcome = validator.validate(new MinerFile(hotkey, uids.get(hotkey), loaded.file(), probe.upload()));
        LOG.info("window {}: {} {} in {} ms", window, hotkey, outcome.validation().status().key(),
            (System.nanoTime() - started) / 1_000_000);
        WindowValidation validation = outcome.validation();
        if (validation.note() == null && probe.note() != null) {
          validation = withNote(validation, probe.note());
        }
        results.put(hotkey, validation);
        if (outcome.completionDigests() != null) {
          Instant uploaded = probe.upload() == null ? null : probe.upload().lastModified();
          submissions.put(hotkey, new CopycatTracker.Submission(outcome.completionDigests(), (int) validation.estimates().total(),
              uploaded == null ? null : uploaded.toEpochMilli() / 1000.0));
        }
      }

      List<CopycatTracker.Violation> violations = List.of();
      if (onlyHotkey == null) {
        CopycatTracker tracker = state.copycat();
        tracker.resetInterval(window / parameters.incentive().weightIntervalBlocks());
        CopycatTracker.Result copycat = tracker.ingest(window, submissions);
        violations = copycat.violations();
        applyCopycat(results, copycat);
      }

      if (onlyHotkey == null) {
        Set<String> failed = new LinkedHashSet<>();
        for (WindowValidation result : results.values()) {
          if (result.checked()) {
            state.recordMetrics(window, result.hotkey(), ValidatorState.WindowMetrics.of(result));
          }
          if (result.hadFailure()) {
            failed.add(result.hotkey());
          }
        }
        state.recordFailures(failed);
        state.windowProcessed(window);
      }

      List<WindowValidation> miners = new ArrayList<>();
      int banned = 0;
      for (String hotkey : candidates) {
        Integer uid = uids.get(hotkey);
        if (results.containsKey(hotkey)) {
          miners.add(results.get(hotkey));
          continue;
        }
        MinerFiles.Probe probe = probes.get(hotkey);
        if (probe == null) {
          if (onlyHotkey != null) {
            miners.add(WindowValidation.unchecked(hotkey, uid, window, MinerStatus.NOT_FOUND,
                "no valid read-credential commitment on chain, so validators cannot find its bucket", null));
          }
          continue;
        }
        switch (probe.presence()) {
          case ACTIVE -> {
            boolean isBanned = bannedNow.contains(hotkey);
            banned += isBanned ? 1 : 0;
            miners.add(WindowValidation.unchecked(hotkey, uid, window, isBanned ? MinerStatus.BANNED : MinerStatus.NOT_SELECTED,
                isBanned ? "failed within the last " + lookback + " windows" : "not sampled this window",
                probe.upload()));
          }
          case LATE -> miners.add(WindowValidation.unchecked(hotkey, uid, window, MinerStatus.LATE, probe.note(), probe.upload()));
          case BAD_SIZE, MISSING -> {
            if (onlyHotkey != null) {
              miners.add(WindowValidation.unchecked(hotkey, uid, window, MinerStatus.NOT_FOUND, probe.note(), probe.upload()));
            }
          }
          default -> throw new IllegalStateException("unknown presence " + probe.presence());
        }
      }
      WindowReport.Discovery discovery = new WindowReport.Discovery(neurons.size(), credentials.size(), active.size(), late,
          onlyHotkey == null ? banned : 0, selected.size());
      WeightsReport weights = onlyHotkey == null
          ? WeightsReport.compute(state, neurons, window, parameters) : null;
      return new WindowReport(window, mode, setup.windowBlockHash().value(), setup.challengeRandomness().hex(),
          prepared.challengeSource(), deadline, setup.checkpointWindow(), setup.environment().environmentId(), null,
          discovery, miners, violations, weights);
    } finally {
      stores.values().forEach(ObjectStore::close);
    }
  }

  /**
   * HEADs every candidate's window file, {@value #DISCOVERY_CONCURRENCY} at a time (the reference's
   * concurrency), keeping the candidates' order.
   */
  private Map<String, MinerFiles.Probe> discover(List<String> candidates, Map<String, ReadCredentialCommitment> credentials,
      Map<String, ObjectStore> stores, long window, Instant deadline) {
    Map<String, Future<MinerFiles.Probe>> pending = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(DISCOVERY_CONCURRENCY, runnable -> {
      Thread thread = new Thread(runnable, "validator-discovery");
      thread.setDaemon(true);
      return thread;
    });
    try {
      for (String hotkey : candidates) {
        ReadCredentialCommitment commitment = credentials.get(hotkey);
        if (commitment == null) {
          continue;
        }
        pending.put(hotkey, pool.submit(() -> MinerFiles.probe(stores.computeIfAbsent(storeKey(commitment),
            key -> buckets.open(commitment)), hotkey, window, deadline)));
      }
      Map<String, MinerFiles.Probe> probes = new LinkedHashMap<>();
      for (Map.Entry<String, Future<MinerFiles.Probe>> probe : pending.entrySet()) {
        try {
          probes.put(probe.getKey(), probe.getValue().get());
        } catch (ExecutionException failed) {
          probes.put(probe.getKey(), new MinerFiles.Probe(MinerFiles.Presence.MISSING, null,
              "the bucket could not be read: " + failed.getCause().getMessage()));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted during discovery", interrupted);
        }
      }
      return probes;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String storeKey(ReadCredentialCommitment commitment) {
    return commitment.accountId() + "|" + commitment.accessKeyId();
  }

  private static WindowValidation withNote(WindowValidation validation, String note) {
    return new WindowValidation(validation.hotkey(), validation.uid(), validation.window(), validation.status(),
        validation.failure(), note, validation.upload(), validation.checkedAll(), validation.sampledGroups(), validation.rows(),
        validation.estimates(), validation.softFailures(), validation.copycat());
  }

  /** Gates the copiers: metrics zeroed, the window a failure; every party sees the violations it is in. */
  private static void applyCopycat(Map<String, WindowValidation> results, CopycatTracker.Result copycat) {
    Set<String> cheaters = copycat.cheaters();
    for (Map.Entry<String, WindowValidation> entry : results.entrySet()) {
      String hotkey = entry.getKey();
      List<CopycatTracker.Violation> involved = copycat.violations().stream()
          .filter(violation -> violation.minerA().equals(hotkey) || violation.minerB().equals(hotkey)).toList();
      if (involved.isEmpty()) {
        continue;
      }
      Rejection gating = null;
      if (cheaters.contains(hotkey)) {
        CopycatTracker.Violation first = involved.stream().filter(violation -> hotkey.equals(violation.copier())).findFirst()
            .orElse(involved.get(0));
        gating = Rejection.ofFile(Check.COPYCAT, String.format(Locale.ROOT,
            "%d of %d rollouts shared with %s (ratio %.3f >= %s, %s scope), which uploaded earlier; the later uploader is gated",
            first.shared(), first.denominator(), first.victim(), first.ratio(), first.threshold(), first.scope().key()));
      }
      entry.setValue(entry.getValue().withCopycat(involved, gating));
    }
  }

  private record Prepared(ValidationSetup setup, String challengeSource, String skipped) {}

  private Prepared prepare(long window) {
    Optional<LocalCheckpoint> checkpoint;
    try {
      checkpoint = checkpoints.prepare(window);
    } catch (InvalidCheckpointMetadataException unusable) {
      return new Prepared(null, null, unusable.getMessage());
    } catch (IOException failed) {
      throw new UncheckedIOException("cannot fetch the trainer checkpoint for window " + window + ": " + failed.getMessage(),
          failed);
    }
    if (checkpoint.isEmpty()) {
      return new Prepared(null, null, "no trainer checkpoint was READY before window " + window);
    }
    WindowEnvironment environment;
    try {
      environment = WindowEnvironment.of(checkpoint.get().metadata(), environments);
    } catch (InvalidCheckpointMetadataException unusable) {
      return new Prepared(null, null, unusable.getMessage());
    }
    CausalLanguageModel loaded = model(checkpoint.get());
    BlockHash windowHash = chain.blockHash(window);
    long deadlineBlock = window + parameters.windows().windowLength();
    BlockHash afterDeadline = chain.blockHash(deadlineBlock);
    String drand = options.drandRandomness() == null ? null : options.drandRandomness().get();
    Randomness challenge = Randomness.validatorChallenge(afterDeadline, drand);
    String source = drand == null ? "sha256(hash(" + deadlineBlock + "))" : "sha256(hash(" + deadlineBlock + ") + drand)";
    return new Prepared(new ValidationSetup(parameters, window, windowHash, challenge, checkpoint.get().window(), environment,
        loaded), source, null);
  }

  private CausalLanguageModel model(LocalCheckpoint checkpoint) {
    if (model != null && modelCheckpoint == checkpoint.window()) {
      return model;
    }
    if (model != null) {
      model.close();
      model = null;
    }
    try {
      model = CausalLanguageModel.load(checkpoint.directory(), options.device());
    } catch (ModelLoadException broken) {
      throw new IllegalStateException("cannot load checkpoint " + checkpoint.window() + " from " + checkpoint.directory() + ": "
          + broken.getMessage(), broken);
    }
    modelCheckpoint = checkpoint.window();
    return model;
  }

  /** Frees the model and closes the checkpoint source when it holds resources. */
  @Override
  public void close() {
    if (model != null) {
      model.close();
      model = null;
    }
    if (checkpoints instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception failure) {
        LOG.debug("closing the checkpoint source: {}", failure.toString());
      }
    }
  }

  /** The window cannot be validated yet: its deadline block does not exist. */
  public static final class WindowNotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WindowNotReadyException(String message) {
      super(message);
    }
  }

}
