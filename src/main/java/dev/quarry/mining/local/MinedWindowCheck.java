package dev.quarry.mining.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.chain.Chain;
import dev.quarry.chain.Commitment;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Sr25519;
import dev.quarry.env.Environment;
import dev.quarry.env.Evaluation;
import dev.quarry.env.ThinkingMode;
import dev.quarry.env.runtime.EnvironmentFactory;
import dev.quarry.env.runtime.EnvironmentParameters;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.CommitBinding;
import dev.quarry.grail.protocol.GrpoAdvantages;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import dev.quarry.grail.protocol.RolloutChallenge;
import dev.quarry.grail.protocol.Sketch;
import dev.quarry.grail.protocol.SketchTolerance;
import dev.quarry.grail.rollout.CompletionScoring;
import dev.quarry.grail.rollout.PreparedProblem;
import dev.quarry.grail.rollout.ProblemPreparer;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.DeviceSpec;
import dev.quarry.model.ProofOptions;
import dev.quarry.model.ProofResult;
import dev.quarry.storage.checkpoint.CheckpointConsumer;
import dev.quarry.storage.checkpoint.CheckpointMetadata;
import dev.quarry.storage.checkpoint.LocalCheckpoint;
import dev.quarry.storage.objectstore.ObjectInfo;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileReader;
import dev.quarry.storage.window.WindowFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Checks a mined window file the way a Grail validator would, short of the full validator: it finds
 * the miner's bucket from the read credentials on chain, downloads the file, and checks the deadline
 * ({@code LastModified ≤ timestamp(W + 30) − 4 s}), the footer, every row's structure (window, block
 * hash, unique nonces, 16 rows per group, lengths, proof version, layer, hex beacon), both sr25519
 * signatures, the GRPO advantages, the checkpoint the READY rule picks — and, for a few groups, with
 * the checkpoint's own model: the prompt rebuilt from the seed, the sketches and log-probabilities
 * recomputed by a proof pass (within the protocol's tolerances) and the rewards recomputed by the
 * environment.
 *
 * <p>This is the embedded default's check until the local validator ({@code dev.quarry.validator})
 * is merged: {@link WindowVerifier} is the hook it plugs into.
 */
public final class MinedWindowCheck implements WindowVerifier {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Chain chain;
  private final int netuid;
  private final AccountId hotkey;
  private final ObjectStoreSettings accessTemplate;
  private final CheckpointConsumer checkpoints;
  private final EnvironmentFactory environments;
  private final ProtocolParameters protocol;
  private final int groupsToRecompute;

  /**
   * @param accessTemplate settings of any bucket on the same endpoint (the miner's is read through
   *     the credentials it committed on chain, as validators read it)
   * @param checkpoints the trainer's checkpoints, with a cache of their own
   * @param groupsToRecompute groups whose prompts, sketches, log-probabilities and rewards are recomputed
   */
  public MinedWindowCheck(Chain chain, int netuid, AccountId hotkey, ObjectStoreSettings accessTemplate,
      CheckpointConsumer checkpoints, EnvironmentFactory environments, ProtocolParameters protocol, int groupsToRecompute) {
    this.chain = chain;
    this.netuid = netuid;
    this.hotkey = hotkey;
    this.accessTemplate = accessTemplate;
    this.checkpoints = checkpoints;
    this.environments = environments;
    this.protocol = protocol;
    this.groupsToRecompute = groupsToRecompute;
  }

  @Override
  public Verdict verify(long windowStart) {
    List<String> problems = new ArrayList<>();
    int rows = 0;
    int groups = 0;
    int recomputed = 0;
    try {
      Optional<Commitment> commitment = chain.commitment(netuid, hotkey).toCompletableFuture().get(30, TimeUnit.SECONDS);
      Optional<ReadCredentialCommitment> credentials = commitment.filter(c -> !c.fields().isEmpty())
          .flatMap(c -> ReadCredentialCommitment.parse(c.fields().get(0)));
      if (credentials.isEmpty()) {
        return Verdict.rejected(windowStart, "the hotkey has no read credentials on chain; validators skip it");
      }
      String key = WindowFiles.key(hotkey.ss58(), windowStart);
      WindowFile file;
      ObjectInfo stored;
      try (ObjectStore bucket = ObjectStore.open(accessTemplate.forReading(credentials.get()), ObjectStore.Access.READ)) {
        Optional<ObjectInfo> head = bucket.head(key);
        if (head.isEmpty()) {
          return Verdict.rejected(windowStart, "no file " + key + " in bucket " + credentials.get().bucketName());
        }
        stored = head.get();
        file = WindowFileReader.readObject(key, bucket.get(key));
      }
      long deadlineBlock = windowStart + protocol.windows().windowLength();
      Instant deadline = chain.blockTimestamp(deadlineBlock).toCompletableFuture().get(30, TimeUnit.SECONDS)
          .plusMillis((long) (protocol.validation().deadlineSlackSeconds() * 1000));
      if (stored.lastModified().isAfter(deadline)) {
        problems.add("stored at " + stored.lastModified() + ", after the deadline " + deadline);
      }
      BlockHash blockHash = BlockHash.parse(chain.blockHash(windowStart).toCompletableFuture().get(30, TimeUnit.SECONDS));
      if (!hotkey.ss58().equals(file.wallet()) || file.windowStart() != windowStart) {
        problems.add("footer says wallet " + file.wallet() + ", window " + file.windowStart());
      }
      rows = file.rows().size();
      Map<Long, List<RolloutRow>> byGroup = structure(file, windowStart, blockHash, problems);
      groups = byGroup.size();
      OptionalLong expectedCheckpoint = checkpoints.latestReadyCheckpoint(windowStart);
      for (RolloutRow row : file.rows()) {
        if (expectedCheckpoint.isEmpty() || row.checkpointWindow() != expectedCheckpoint.getAsLong()) {
          problems.add("row " + row.nonce() + " says checkpoint " + row.checkpointWindow() + ", the READY rule picks "
              + expectedCheckpoint);
          break;
        }
      }
      signatures(file, blockHash, problems);
      advantages(byGroup, problems);
      if (problems.isEmpty() && expectedCheckpoint.isPresent()) {
        recomputed = recompute(byGroup, blockHash, expectedCheckpoint.getAsLong(), problems);
      }
    } catch (Exception failure) {
      problems.add("check failed: " + failure);
    }
    return new Verdict(windowStart, problems.isEmpty(), rows, groups, recomputed, problems);
  }

  private Map<Long, List<RolloutRow>> structure(WindowFile file, long windowStart, BlockHash blockHash, List<String> problems) {
    Map<Long, List<RolloutRow>> byGroup = new TreeMap<>();
    Set<Long> nonces = new HashSet<>();
    int groupSize = protocol.rollouts().rolloutsPerProblem();
    for (RolloutRow row : file.rows()) {
      String where = "row with nonce " + row.nonce();
      if (row.windowStart() != windowStart || !row.blockHash().equals(blockHash.value())) {
        problems.add(where + ": window " + row.windowStart() + " / block hash " + row.blockHash() + " do not match the chain");
      }
      if (!nonces.add(row.nonce())) {
        problems.add(where + ": nonce used twice");
      }
      if (row.nonce() != row.rolloutGroup() * groupSize + row.rolloutIndex()) {
        problems.add(where + ": nonce is not group × 16 + index");
      }
      int tokens = row.commit().tokenCount();
      if (row.commit().rollout().promptLength() + row.commit().rollout().completionLength() != tokens
          || row.commit().rollout().tokenLogprobCount() != tokens) {
        problems.add(where + ": lengths do not add up");
      }
      if (row.commit().rollout().completionLength() < protocol.proof().challengeK()) {
        problems.add(where + ": completion shorter than " + protocol.proof().challengeK());
      }
      if (!row.commit().proofVersion().equals(protocol.proof().version())
          || row.commit().model().layerIndex() != protocol.proof().layerIndex()) {
        problems.add(where + ": proof version " + row.commit().proofVersion() + ", layer " + row.commit().model().layerIndex());
      }
      try {
        Randomness.parse(JSON.readTree(row.commit().beaconJson()).path("randomness").asText(""));
        if (sketches(row).length != tokens) {
          problems.add(where + ": " + sketches(row).length + " commitments for " + tokens + " tokens");
        }
      } catch (Exception malformed) {
        problems.add(where + ": malformed beacon or commitments (" + malformed.getMessage() + ")");
      }
      byGroup.computeIfAbsent(row.rolloutGroup(), group -> new ArrayList<>()).add(row);
    }
    byGroup.forEach((group, members) -> {
      if (members.size() != groupSize) {
        problems.add("group " + group + " has " + members.size() + " rows, not " + groupSize);
      }
    });
    return byGroup;
  }

  private void signatures(WindowFile file, BlockHash blockHash, List<String> problems) throws Exception {
    byte[] publicKey = hotkey.bytes();
    for (RolloutRow row : file.rows()) {
      Randomness beacon = Randomness.parse(JSON.readTree(row.commit().beaconJson()).path("randomness").asText());
      byte[] binding = CommitBinding.digest(row.commit().tokens(), beacon, row.commit().model().name(),
          row.commit().model().layerIndex(), sketches(row));
      if (!Sr25519.verify(publicKey, binding, Hex.decode(row.commit().signature()))) {
        problems.add("row with nonce " + row.nonce() + ": the commit-binding signature does not verify");
      }
      byte[] challenge = RolloutChallenge.bytes(blockHash, row.nonce());
      if (!row.challenge().equals(new String(challenge, StandardCharsets.UTF_8))
          || !Sr25519.verify(publicKey, challenge, Hex.decode(row.signature()))) {
        problems.add("row with nonce " + row.nonce() + ": the challenge signature does not verify");
      }
    }
  }

  private void advantages(Map<Long, List<RolloutRow>> byGroup, List<String> problems) {
    byGroup.forEach((group, members) -> {
      double[] rewards = members.stream().mapToDouble(row -> row.commit().rollout().totalReward()).toArray();
      double[] advantages = members.stream().mapToDouble(row -> row.commit().rollout().advantage()).toArray();
      GrpoAdvantages.GroupCheck check = GrpoAdvantages.check(rewards, advantages, protocol);
      if (!check.valid()) {
        problems.add("group " + group + ": advantages: " + check.reason());
      }
    });
  }

  /** Prompts, sketches, log-probabilities and rewards of a few groups, with the checkpoint's model. */
  private int recompute(Map<Long, List<RolloutRow>> byGroup, BlockHash blockHash, long checkpointWindow, List<String> problems)
      throws Exception {
    LocalCheckpoint local = checkpoints.ensureLocal(checkpointWindow);
    CheckpointMetadata metadata = checkpoints.metadata(checkpointWindow).orElseThrow();
    ThinkingMode mode = metadata.thinkingMode();
    JsonNode envParams = metadata.envParams();
    Environment environment = environments.environment(metadata.envId().orElseThrow(), EnvironmentParameters.of(
        envParams.hasNonNull("split") ? envParams.get("split").asText() : null, envParams.path("gpu_eval").asBoolean(false)));
    List<Long> chosen = new ArrayList<>(byGroup.keySet());
    if (chosen.size() > groupsToRecompute) {
      List<Long> spread = new ArrayList<>();
      for (int i = 0; i < groupsToRecompute; i++) {
        spread.add(chosen.get(i * (chosen.size() - 1) / Math.max(1, groupsToRecompute - 1)));
      }
      chosen = spread;
    }
    Sketch sketch = new Sketch(protocol.proof());
    SketchTolerance tolerance = SketchTolerance.v5();
    try (CausalLanguageModel model = CausalLanguageModel.load(local.directory(), DeviceSpec.cpu())) {
      ProblemPreparer preparer = new ProblemPreparer(environment, mode, model.chatTemplate(), model.tokenizer(), hotkey.ss58(),
          blockHash);
      for (long group : chosen) {
        List<RolloutRow> members = byGroup.get(group);
        PreparedProblem problem = preparer.prepare(group);
        List<int[]> sequences = new ArrayList<>();
        int[] promptLengths = new int[members.size()];
        for (int i = 0; i < members.size(); i++) {
          RolloutRow row = members.get(i);
          int[] tokens = row.commit().tokens();
          int promptLength = row.commit().rollout().promptLength();
          if (!Arrays.equals(Arrays.copyOf(tokens, promptLength), problem.promptTokens())) {
            problems.add("group " + group + ": the prompt is not the one its seed gives");
          }
          sequences.add(tokens);
          promptLengths[i] = promptLength;
        }
        List<ProofResult> proofs = model.proofForward().run(sequences, promptLengths, ProofOptions.miner());
        for (int i = 0; i < members.size(); i++) {
          RolloutRow row = members.get(i);
          ProofResult proof = proofs.get(i);
          Randomness beacon = Randomness.parse(JSON.readTree(row.commit().beaconJson()).path("randomness").asText());
          long[] ours = sketch.commitAll(proof.hiddenStates(), proof.length(), proof.hiddenSize(), sketch.coefficients(beacon));
          long[] theirs = sketches(row);
          for (int p = proof.promptLength(); p < proof.length(); p++) {
            if (!tolerance.accepts(ours[p], theirs[p], p)) {
              problems.add("group " + group + " rollout " + row.rolloutIndex() + ": sketch at position " + p + " is off by "
                  + tolerance.distance(ours[p], theirs[p]));
              break;
            }
          }
          float[] claimed = row.commit().rollout().tokenLogprobs();
          double[] deviations = new double[proof.completionLength()];
          for (int p = 0; p < deviations.length; p++) {
            deviations[p] = Math.exp(Math.abs(claimed[proof.promptLength() + p] - proof.completionLogprobs()[p])) - 1;
          }
          Arrays.sort(deviations);
          if (deviations.length > 0 && deviations[deviations.length / 2] > protocol.rollouts().logprobMedianDeviation()) {
            problems.add("group " + group + " rollout " + row.rolloutIndex() + ": log-probabilities deviate (median "
                + deviations[deviations.length / 2] + ")");
          }
          int[] completion = Arrays.copyOfRange(row.commit().tokens(), proof.promptLength(), proof.length());
          Evaluation evaluation = CompletionScoring.evaluate(environment, problem.problem(), mode, model.tokenizer(), completion);
          double claimedReward = row.commit().rollout().totalReward();
          double tolerated = Math.max(protocol.rollouts().rewardAbsoluteTolerance(),
              protocol.rollouts().rewardRelativeTolerance() * Math.abs(evaluation.reward()));
          if (Math.abs(evaluation.reward() - claimedReward) > tolerated) {
            problems.add("group " + group + " rollout " + row.rolloutIndex() + ": reward " + claimedReward
                + ", the environment gives " + evaluation.reward());
          }
        }
      }
    }
    return chosen.size();
  }

  private static long[] sketches(RolloutRow row) throws java.io.IOException {
    JsonNode array = JSON.readTree(row.commit().commitmentsJson());
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).path("sketch").asLong();
    }
    return values;
  }

  /** Where checkpoint copies for checking are kept. */
  public static Path cacheDirectory(Path dataDirectory) {
    return dataDirectory.resolve("check-checkpoints");
  }
}
