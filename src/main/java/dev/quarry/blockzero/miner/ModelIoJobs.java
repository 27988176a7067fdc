package dev.quarry.blockzero.miner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.blockzero.BlockRange;
import dev.quarry.blockzero.ChainRecord;
import dev.quarry.blockzero.CheckpointName;
import dev.quarry.blockzero.ExpertGroups;
import dev.quarry.blockzero.ModelHash;
import dev.quarry.blockzero.PhaseInfo;
import dev.quarry.blockzero.PhaseName;
import dev.quarry.blockzero.SignedMessages;
import dev.quarry.blockzero.ValidatorAssignment;
import dev.quarry.blockzero.checkpoints.CheckpointStore;
import dev.quarry.blockzero.checkpoints.StoredCheckpoint;
import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.Inclusion;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Keypair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four things the model-io daemon does, each an asynchronous pipeline that ends in a
 * {@link JobResult} (never an exceptional stage). File work runs on {@code blocking}; chain and
 * HTTP calls are asynchronous. The reference's defects are not repeated: downloads are verified
 * (hash and signature) before they become visible, a missing checkpoint is "nothing to do",
 * commitments are checked against the phase window, and the submitted file is the committed copy.
 */
final class ModelIoJobs {

  private static final Logger LOG = LoggerFactory.getLogger(ModelIoJobs.class);
  private static final int DOWNLOAD_ROUNDS = 3;
  private static final int SUBMIT_RETRIES = 3;

  private final Chain chain;
  private final int netuid;
  private final Keypair hotkey;
  private final int group;
  private final CheckpointStore store;
  private final PhaseServiceClient phases;
  private final ValidatorClient validators;
  private final Executor blocking;
  private final Duration retryUnit;

  ModelIoJobs(Chain chain, int netuid, Keypair hotkey, int group, CheckpointStore store, PhaseServiceClient phases,
      ValidatorClient validators, Executor blocking, Duration retryUnit) {
    this.chain = chain;
    this.netuid = netuid;
    this.hotkey = hotkey;
    this.group = group;
    this.store = store;
    this.phases = phases;
    this.validators = validators;
    this.blocking = blocking;
    this.retryUnit = retryUnit;
  }

  // ---- Distribute ---------------------------------------------------------------------------

  private record Candidate(AccountId hotkey, NeuronInfo neuron, ChainRecord.ValidatorRecord record, String signature) {}

  /** Downloads the newest validator version of the group if it is newer than anything local, verified. */
  CompletionStage<JobResult> download(PhaseInfo phase) {
    return phases.previous().thenCompose(previous -> {
      BlockRange first = previous.get(PhaseName.VALIDATOR_COMMIT_1.wireName());
      BlockRange second = previous.get(PhaseName.VALIDATOR_COMMIT_2.wireName());
      if (first == null || second == null) {
        return done(JobResult.failed("the phase service names no ValidatorCommit1/ValidatorCommit2 phase"));
      }
      if (first.end() + 1 < 0 || second.end() + 1 < 0) {
        return done(JobResult.nothingToDo("no validator commit phase has completed yet"));
      }
      return chain.currentBlock().thenCompose(head -> {
        long signedAt = Math.min(first.end() + 1, head);
        long hashedAt = Math.min(second.end() + 1, head);
        return ChainView.records(chain, netuid, signedAt).thenCompose(signed -> ChainView.records(chain, netuid, hashedAt)
            .thenCompose(hashed -> ChainView.neurons(chain, netuid).thenCompose(neurons ->
                downloadFrom(candidates(signed, hashed, neurons), phase))));
      });
    }).exceptionally(ModelIoJobs::failure);
  }

  /** Complete validator records of the group at the newest version, holding the majority hash. */
  private List<Candidate> candidates(Map<AccountId, ChainRecord> signed, Map<AccountId, ChainRecord> hashed,
      Map<AccountId, NeuronInfo> neurons) {
    List<Candidate> complete = new ArrayList<>();
    hashed.forEach((validator, record) -> {
      if (!(record instanceof ChainRecord.ValidatorRecord commit) || commit.hash() == null || commit.globalVersion() == null
          || commit.group() == null || commit.group() != group || commit.minerSeed() == null) {
        return;
      }
      Optional<String> signature = Optional.ofNullable(signed.get(validator)).flatMap(ChainRecord::signedModelHash);
      NeuronInfo neuron = neurons.get(validator);
      if (signature.isEmpty() || !ChainView.served(neuron)) {
        return;
      }
      complete.add(new Candidate(validator, neuron, commit, signature.get()));
    });
    long newest = complete.stream().mapToLong(candidate -> candidate.record().globalVersion()).max().orElse(-1);
    List<Candidate> current = complete.stream().filter(candidate -> candidate.record().globalVersion() == newest).toList();
    // The majority hash among the newest version (the reference counts over all versions, a bug fixed upstream).
    Map<String, Integer> counts = new LinkedHashMap<>();
    current.forEach(candidate -> counts.merge(candidate.record().hash().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum));
    String majority = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    return current.stream().filter(candidate -> candidate.record().hash().equalsIgnoreCase(majority)).toList();
  }

  private CompletionStage<JobResult> downloadFrom(List<Candidate> candidates, PhaseInfo phase) {
    if (candidates.isEmpty()) {
      return done(JobResult.nothingToDo("no validator of group " + group + " committed a complete record (signed hash, hash, "
          + "version, seed) with a served axon in the last validator commit phases"));
    }
    long version = candidates.get(0).record().globalVersion();
    Optional<StoredCheckpoint> local = store.best();
    if (local.isPresent() && local.get().name().globalVersion() >= version) {
      return done(JobResult.nothingToDo("validators offer version " + version + "; " + local.get().name() + " is as new"));
    }
    return attempt(candidates, 0, 1, phase);
  }

  private CompletionStage<JobResult> attempt(List<Candidate> candidates, int index, int round, PhaseInfo phase) {
    if (index >= candidates.size()) {
      if (round >= DOWNLOAD_ROUNDS) {
        return done(JobResult.failed("no validator delivered a verified copy of version " + candidates.get(0).record().globalVersion()
            + " after " + DOWNLOAD_ROUNDS + " rounds"));
      }
      long delay = retryUnit.toMillis() * 5 * (1L << (round - 1));
      LOG.info("<{}> retrying the download in {} ms (round {} of {})", PhaseName.DISTRIBUTE.wireName(), delay, round + 1, DOWNLOAD_ROUNDS);
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
          .thenCompose(ignored -> attempt(candidates, 0, round + 1, phase));
    }
    Candidate candidate = candidates.get(index);
    CheckpointName name = CheckpointName.validator(candidate.neuron().uid(), candidate.hotkey().ss58(),
        candidate.record().globalVersion());
    Path scratch = store.modelIoDirectory().resolve("downloads").resolve(name.directoryName()).resolve(ExpertGroups.fileName(group));
    URI url = ValidatorClient.baseUrl(candidate.neuron().axon().address().getHostAddress(), candidate.neuron().axon().port());
    return chain.currentBlock()
        .thenCompose(block -> validators.download(url, candidate.hotkey(), hotkey, block, group, scratch))
        .thenComposeAsync(bytes -> CompletableFuture.completedFuture(verifyAndKeep(candidate, name, scratch, bytes)), blocking)
        .exceptionally(failure -> JobResult.failed(message(failure)))
        .thenCompose(result -> {
          if (result.outcome() == JobResult.Outcome.DONE) {
            return done(result);
          }
          LOG.warn("<{}> from {} (uid {}): {}", PhaseName.DISTRIBUTE.wireName(), candidate.hotkey(), candidate.neuron().uid(),
              result.detail());
          return attempt(candidates, index + 1, round, phase);
        });
  }

  /** Hash and signature must match the chain record before the file becomes a checkpoint anyone trains on. */
  private JobResult verifyAndKeep(Candidate candidate, CheckpointName name, Path scratch, long bytes) {
    try {
      ModelHash hash = ModelHash.ofFile(scratch);
      if (!hash.hex().equalsIgnoreCase(candidate.record().hash())) {
        return JobResult.failed("the file's model hash " + hash + " differs from the committed " + candidate.record().hash());
      }
      if (!SignedMessages.verify(candidate.hotkey(), candidate.record().hash().getBytes(StandardCharsets.UTF_8), candidate.signature())) {
        return JobResult.failed("the committed signature does not verify the hash with the validator's hotkey");
      }
      StoredCheckpoint kept = store.write(store.validatorDirectory(), name,
          directory -> Files.move(scratch, directory.resolve(scratch.getFileName()), StandardCopyOption.REPLACE_EXISTING));
      List<Path> pruned = store.pruneValidators();
      return JobResult.done("downloaded version " + name.globalVersion() + " (" + bytes + " bytes, hash " + hash + ") from "
          + candidate.hotkey() + " into " + kept.directory() + (pruned.isEmpty() ? "" : "; removed " + pruned.size() + " older"));
    } catch (IOException | UncheckedIOException unreadable) {
      return JobResult.failed("the downloaded file is not a usable checkpoint: " + unreadable.getMessage());
    } finally {
      try {
        CheckpointStore.deleteRecursively(scratch.getParent());
      } catch (IOException ignored) {
        // scratch space; cleaned again next time
      }
    }
  }

  // ---- MinerCommit1 -------------------------------------------------------------------------

  /** Commits {@code {"m": signature}} for the newest own checkpoint, keeping a copy of the file that was hashed. */
  CompletionStage<JobResult> commitSignedHash(PhaseInfo phase) {
    return CompletableFuture.supplyAsync(() -> prepareCommit(phase), blocking).thenCompose(prepared -> {
      if (prepared.isEmpty()) {
        return done(JobResult.nothingToDo("no checkpoint of group " + group + " in " + store.ownDirectory()
            + " yet; the train role writes one every QUARRY_BLOCKZERO_CHECKPOINT_INTERVAL steps"));
      }
      Committed committed = prepared.get();
      byte[] record = new ChainRecord.SignedHash(committed.signature()).commitmentBytes();
      return commit(phase, record, "signed hash of " + CheckpointName.own(committed.globalVersion(), committed.innerStep())
          + " (hash " + committed.modelHash() + ")", inclusion -> new Committed(committed.cycle(), committed.globalVersion(),
          committed.innerStep(), committed.file(), committed.modelHash(), committed.signature(), inclusion.blockNumber(), -1));
    }).exceptionally(ModelIoJobs::failure);
  }

  private Optional<Committed> prepareCommit(PhaseInfo phase) {
    Optional<StoredCheckpoint> best = store.bestOwn();
    if (best.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path committedDirectory = store.modelIoDirectory().resolve("committed");
      Files.createDirectories(committedDirectory);
      Path copy = committedDirectory.resolve(ExpertGroups.fileName(group));
      Path temporary = committedDirectory.resolve(".tmp_" + ExpertGroups.fileName(group));
      Files.copy(best.get().expertGroupFile(group), temporary, StandardCopyOption.REPLACE_EXISTING);
      ModelHash hash = ModelHash.ofFile(temporary);
      Files.move(temporary, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      String signature = SignedMessages.sign(hotkey, SignedMessages.modelHashMessage(hash));
      return Optional.of(new Committed(phase.cycleIndex(), best.get().name().globalVersion(), best.get().name().innerStep(),
          copy.toString(), hash.hex(), signature, -1, -1));
    } catch (IOException unreadable) {
      throw new UncheckedIOException("cannot hash " + best.get().expertGroupFile(group) + ": " + unreadable.getMessage(), unreadable);
    }
  }

  // ---- MinerCommit2 -------------------------------------------------------------------------

  /** Commits {@code {"b", "e", "m": null, "h", "v", "i"}} for what MinerCommit1 committed. */
  CompletionStage<JobResult> commitRecord(PhaseInfo phase, Committed committed) {
    return chain.currentBlock().thenCompose(block -> {
      ChainRecord.MinerRecord record = new ChainRecord.MinerRecord(block, (long) group, null, committed.modelHash(),
          committed.globalVersion(), committed.innerStep());
      return commit(phase, record.commitmentBytes(), "record " + record.json(),
          inclusion -> committed.withRecordBlock(inclusion.blockNumber()));
    }).exceptionally(ModelIoJobs::failure);
  }

  private CompletionStage<JobResult> commit(PhaseInfo phase, byte[] data, String what,
      java.util.function.Function<Inclusion, Committed> result) {
    return chain.currentBlock().thenCompose(block -> {
      if (block > phase.phaseEndBlock()) {
        return done(JobResult.late(phase.phaseName() + " ended at block " + phase.phaseEndBlock() + " before the " + what
            + " could be committed (block " + block + ")"));
      }
      return chain.setCommitment(hotkey, netuid, data).thenApply(inclusion -> {
        // Readers take the state right after the phase (end + 1): inclusion there still counts.
        if (inclusion.blockNumber() > phase.phaseEndBlock() + 1) {
          return JobResult.late("the " + what + " was included in block " + inclusion.blockNumber() + ", after " + phase.phaseName()
              + " (ended " + phase.phaseEndBlock() + "); validators will not see it");
        }
        return JobResult.done("committed the " + what + " in block " + inclusion.blockNumber(), result.apply(inclusion));
      });
    });
  }

  // ---- Submission ---------------------------------------------------------------------------

  /** Uploads the committed file to the validator the assignment gives this hotkey. */
  CompletionStage<JobResult> submit(PhaseInfo phase, Committed committed) {
    return ChainView.records(chain, netuid, -1).thenCompose(records -> ChainView.neurons(chain, netuid).thenCompose(neurons -> {
      Map<String, Long> seeds = new LinkedHashMap<>();
      List<String> miners = new ArrayList<>();
      Map<String, AccountId> accounts = new LinkedHashMap<>();
      records.forEach((account, record) -> {
        accounts.put(account.ss58(), account);
        if (record instanceof ChainRecord.ValidatorRecord validator && validator.group() != null && validator.group() == group) {
          seeds.put(account.ss58(), validator.minerSeed());
        } else if (record instanceof ChainRecord.MinerRecord miner && miner.group() != null && miner.group() == group) {
          miners.add(account.ss58());
        }
      });
      if (!miners.contains(hotkey.ss58Address())) {
        return done(JobResult.nothingToDo("the latest commitment of " + hotkey.ss58Address() + " is not a MinerCommit2 record of group "
            + group + ", so no validator expects a submission"));
      }
      Map<String, List<String>> assignment = ValidatorAssignment.assign(seeds, miners);
      Optional<String> validator = ValidatorAssignment.validatorOf(hotkey.ss58Address(), assignment);
      if (validator.isEmpty()) {
        return done(JobResult.nothingToDo("no validator of group " + group + " has committed an assignment seed"));
      }
      AccountId target = accounts.get(validator.get());
      NeuronInfo neuron = neurons.get(target);
      if (!ChainView.served(neuron)) {
        return done(JobResult.failed("assigned validator " + validator.get() + " serves no axon"));
      }
      URI url = ValidatorClient.baseUrl(neuron.axon().address().getHostAddress(), neuron.axon().port());
      Path file = Path.of(committed.file());
      ModelHash hash = ModelHash.fromHex(committed.modelHash());
      return chain.currentBlock().thenCompose(block -> upload(phase, url, target, neuron.uid(), block, file, hash, 0));
    })).exceptionally(ModelIoJobs::failure);
  }

  private CompletionStage<JobResult> upload(PhaseInfo phase, URI url, AccountId target, int uid, long block, Path file, ModelHash hash,
      int attempt) {
    if (block > phase.phaseEndBlock()) {
      return done(JobResult.late("Submission ended at block " + phase.phaseEndBlock() + " before the upload to uid " + uid));
    }
    return validators.submit(url, target, hotkey, block, file, hash)
        .thenApply(answer -> JobResult.done("submitted " + file.getFileName() + " (hash " + hash + ") to validator " + target + " (uid "
            + uid + ") at block " + block + ": " + summary(answer)))
        .exceptionallyCompose(failure -> {
          Throwable cause = ValidatorClient.unwrap(failure);
          boolean retryable = !(cause instanceof BlockZeroHttpException http) || http.retryable();
          if (!retryable || attempt >= SUBMIT_RETRIES) {
            return done(JobResult.failed(message(cause)));
          }
          long delay = (long) (retryUnit.toMillis() * Math.pow(1.8, attempt + 1));
          LOG.warn("<{}> upload attempt {} failed ({}); retrying in {} ms", PhaseName.SUBMISSION.wireName(), attempt + 1, cause.getMessage(),
              delay);
          return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
              .thenCompose(ignored -> chain.currentBlock())
              .thenCompose(now -> now > phase.phaseEndBlock()
                  ? done(JobResult.late("Submission ended at block " + phase.phaseEndBlock() + " while retrying the upload: "
                      + cause.getMessage()))
                  : upload(phase, url, target, uid, block, file, hash, attempt + 1));
        });
  }

  private static String summary(JsonNode answer) {
    return answer.path("status").asText("?") + (answer.has("bytes") ? ", " + answer.get("bytes").asLong() + " bytes stored" : "");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static CompletionStage<JobResult> done(JobResult result) {
    return CompletableFuture.completedFuture(result);
  }

  private static JobResult failure(Throwable failure) {
    return JobResult.failed(message(failure));
  }

  private static String message(Throwable failure) {
    Throwable cause = ValidatorClient.unwrap(failure);
    if (cause instanceof ChainException chainError) {
      return "chain: " + chainError.getMessage();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
