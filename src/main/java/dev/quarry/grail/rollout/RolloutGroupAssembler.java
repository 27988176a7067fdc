package dev.quarry.grail.rollout;

import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import dev.quarry.env.Evaluation;
import dev.quarry.grail.protocol.CommitBinding;
import dev.quarry.grail.protocol.Commitments;
import dev.quarry.grail.protocol.GrpoAdvantages;
import dev.quarry.grail.protocol.ProblemSeeds;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.RolloutChallenge;
import dev.quarry.grail.protocol.Sketch;
import dev.quarry.model.ProofResult;
import dev.quarry.storage.window.ModelInfo;
import dev.quarry.storage.window.RolloutCommit;
import dev.quarry.storage.window.RolloutResult;
import dev.quarry.storage.window.RolloutRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Assembles a finished group (the prompt, 16 completions, their proof passes and evaluations) into
 * 16 signed window-file rows, as the reference's {@code package_rollout_data} and {@code sign_rollout}
 * do: per-position sketches of the final hidden states, the commitment JSON, the commit-binding
 * digest signed by the hotkey, GRPO advantages over the group's rewards, and the outer signature
 * over {@code "|{block_hash}|{nonce}"}. A group that would fail the validator's group checks is
 * dropped whole, with the reason.
 */
public final class RolloutGroupAssembler {

  private final WindowContext context;
  private final Keypair hotkey;
  private final ProtocolParameters parameters;
  private final Sketch sketch;
  private final int[] coefficients;

  public RolloutGroupAssembler(WindowContext context, Keypair hotkey, ProtocolParameters parameters) {
    this.context = Objects.requireNonNull(context, "context");
    this.hotkey = Objects.requireNonNull(hotkey, "hotkey");
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.sketch = new Sketch(parameters.proof());
    this.coefficients = context.sketchCoefficients(sketch);
  }

  public WindowContext context() {
    return context;
  }

  /**
   * @param problem the prepared problem (its index is the group's {@code rollout_group})
   * @param block the chain block when the group started ({@code block}, informational)
   * @param completions completion token ids, one per rollout
   * @param proofs proof-pass results for prompt + completion, in the same order, with hidden states
   * @param evaluations the environment's scores, in the same order
   * @param timestamp unix seconds written into each row
   */
  public GroupOutcome assemble(PreparedProblem problem, long block, List<int[]> completions, List<ProofResult> proofs,
      List<Evaluation> evaluations, double timestamp) {
    List<CommittedProof> committed = new ArrayList<>(proofs.size());
    for (int i = 0; i < proofs.size(); i++) {
      ProofResult proof = proofs.get(i);
      if (proof.hiddenStates() == null) {
        return new GroupOutcome.Dropped(problem.problemIndex(), GroupOutcome.DropReason.PROOF_FAILED,
            "rollout " + i + ": the proof pass returned no hidden states");
      }
      committed.add(commit(proof));
    }
    return assembleCommitted(problem, block, completions, committed, evaluations, timestamp);
  }

  /**
   * Reduces one proof result to what the file needs: the hidden state of every position becomes its
   * sketch under this window's beacon.
   */
  public CommittedProof commit(ProofResult proof) {
    if (proof.hiddenStates() == null) {
      throw new IllegalArgumentException("the proof pass returned no hidden states");
    }
    int[] tokens = proof.tokens();
    long[] sketches = sketch.commitAll(proof.hiddenStates(), tokens.length, proof.hiddenSize(), coefficients);
    return new CommittedProof(tokens, proof.promptLength(), proof.completionLogprobs(), sketches);
  }

  /**
   * As {@link #assemble}, with proofs already reduced by {@link #commit} (what a proof actor hands
   * over).
   */
  public GroupOutcome assembleCommitted(PreparedProblem problem, long block, List<int[]> completions,
      List<CommittedProof> proofs, List<Evaluation> evaluations, double timestamp) {
    int groupSize = parameters.rollouts().rolloutsPerProblem();
    int minimumCompletion = parameters.proof().challengeK();
    if (completions.size() != groupSize || proofs.size() != groupSize || evaluations.size() != groupSize) {
      throw new IllegalArgumentException("a group has " + groupSize + " rollouts; got " + completions.size()
          + " completions, " + proofs.size() + " proofs, " + evaluations.size() + " evaluations");
    }
    int[] prompt = problem.promptTokens();
    for (int i = 0; i < groupSize; i++) {
      int length = completions.get(i).length;
      if (length < minimumCompletion) {
        return new GroupOutcome.Dropped(problem.problemIndex(), GroupOutcome.DropReason.SHORT_COMPLETION,
            "rollout " + i + " has " + length + " completion tokens, fewer than " + minimumCompletion);
      }
      String proofProblem = proofProblem(prompt, completions.get(i), proofs.get(i));
      if (proofProblem != null) {
        return new GroupOutcome.Dropped(problem.problemIndex(), GroupOutcome.DropReason.PROOF_FAILED,
            "rollout " + i + ": " + proofProblem);
      }
    }

    double[] rewards = evaluations.stream().mapToDouble(Evaluation::reward).toArray();
    double[] advantages = GrpoAdvantages.compute(rewards);
    List<RolloutRow> rows = new ArrayList<>(groupSize);
    for (int i = 0; i < groupSize; i++) {
      rows.add(row(problem, block, i, completions.get(i), proofs.get(i), evaluations.get(i), advantages[i], timestamp));
    }
    return new GroupOutcome.Assembled(problem.problemIndex(), rows);
  }

  private RolloutRow row(PreparedProblem problem, long block, int index, int[] completion, CommittedProof proof,
      Evaluation evaluation, double advantage, double timestamp) {
    int[] tokens = proof.tokens();
    long[] sketches = proof.sketches();
    int layerIndex = parameters.proof().layerIndex();
    byte[] binding = CommitBinding.digest(tokens, context.beacon(), context.modelName(), layerIndex, sketches);
    RolloutResult result = new RolloutResult(evaluation.reward(), advantage, evaluation.success(),
        proof.tokenLogprobs(), problem.promptLength(), completion.length);
    RolloutCommit commit = new RolloutCommit(tokens, Commitments.parquetJson(sketches),
        parameters.proof().version(), new ModelInfo(context.modelName(), layerIndex),
        Hex.encode(hotkey.sign(binding)), Commitments.beaconParquetJson(context.beacon()), result);
    long nonce = ProblemSeeds.nonce(problem.problemIndex(), index, parameters.rollouts().rolloutsPerProblem());
    byte[] challenge = RolloutChallenge.bytes(context.blockHash(), nonce);
    return new RolloutRow(context.windowStart(), block, nonce, context.blockHash().value(), context.beacon().hex(),
        context.useDrand(), problem.problemIndex(), index, parameters.rollouts().rolloutsPerProblem(),
        context.checkpointWindow(), commit, timestamp, RolloutChallenge.text(context.blockHash(), nonce),
        hotkey.ss58Address(), Hex.encode(hotkey.sign(challenge)));
  }

  /** Why a proof result cannot be committed for this rollout, or null when it can. */
  private static String proofProblem(int[] prompt, int[] completion, CommittedProof proof) {
    int[] tokens = proof.tokens();
    if (proof.promptLength() != prompt.length || tokens.length != prompt.length + completion.length
        || !Arrays.equals(tokens, 0, prompt.length, prompt, 0, prompt.length)
        || !Arrays.equals(tokens, prompt.length, tokens.length, completion, 0, completion.length)) {
      return "the proof pass ran on a different sequence";
    }
    if (proof.sketches().length != tokens.length) {
      return "the proof pass committed " + proof.sketches().length + " positions of " + tokens.length;
    }
    if (proof.completionLogprobs().length != completion.length) {
      return "the proof pass returned " + proof.completionLogprobs().length + " logprobs for " + completion.length
          + " completion tokens";
    }
    for (float logprob : proof.completionLogprobs()) {
      if (!Float.isFinite(logprob)) {
        return "a completion logprob is not finite (" + logprob + ")";
      }
    }
    return null;
  }
}
