package dev.quarry.validator;

import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import dev.quarry.grail.protocol.CommitBinding;
import dev.quarry.grail.protocol.Commitments;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.storage.window.RolloutCommit;
import dev.quarry.storage.window.RolloutResult;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.validator.checks.JsonValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Small edits of honest window files, the way a cheating or broken miner would make them. */
final class Tamper {

  private Tamper() {}

  static WindowFile row(WindowFile file, int index, UnaryOperator<RolloutRow> edit) {
    List<RolloutRow> rows = new ArrayList<>(file.rows());
    rows.set(index, edit.apply(rows.get(index)));
    return new WindowFile(file.wallet(), file.windowStart(), file.windowLength(), file.timestamp(), rows);
  }

  static WindowFile everyRow(WindowFile file, UnaryOperator<RolloutRow> edit) {
    return new WindowFile(file.wallet(), file.windowStart(), file.windowLength(), file.timestamp(),
        file.rows().stream().map(edit).toList());
  }

  static WindowFile withoutRow(WindowFile file, int index) {
    List<RolloutRow> rows = new ArrayList<>(file.rows());
    rows.remove(index);
    return new WindowFile(file.wallet(), file.windowStart(), file.windowLength(), file.timestamp(), rows);
  }

  static RolloutRow commit(RolloutRow row, RolloutCommit commit) {
    return new RolloutRow(row.windowStart(), row.block(), row.nonce(), row.blockHash(), row.randomness(), row.useDrand(),
        row.rolloutGroup(), row.rolloutIndex(), row.totalInGroup(), row.checkpointWindow(), commit, row.timestamp(),
        row.challenge(), row.hotkey(), row.signature());
  }

  static RolloutCommit tokens(RolloutCommit commit, int[] tokens) {
    return new RolloutCommit(tokens, commit.commitmentsJson(), commit.proofVersion(), commit.model(), commit.signature(),
        commit.beaconJson(), commit.rollout());
  }

  static RolloutCommit commitments(RolloutCommit commit, long[] sketches) {
    return new RolloutCommit(commit.tokens(), Commitments.parquetJson(sketches), commit.proofVersion(), commit.model(),
        commit.signature(), commit.beaconJson(), commit.rollout());
  }

  static RolloutCommit signature(RolloutCommit commit, String signature) {
    return new RolloutCommit(commit.tokens(), commit.commitmentsJson(), commit.proofVersion(), commit.model(), signature,
        commit.beaconJson(), commit.rollout());
  }

  static RolloutCommit rollout(RolloutCommit commit, RolloutResult rollout) {
    return new RolloutCommit(commit.tokens(), commit.commitmentsJson(), commit.proofVersion(), commit.model(),
        commit.signature(), commit.beaconJson(), rollout);
  }

  static RolloutResult logprobs(RolloutResult rollout, float[] logprobs) {
    return new RolloutResult(rollout.totalReward(), rollout.advantage(), rollout.success(), logprobs, rollout.promptLength(),
        rollout.completionLength());
  }

  static RolloutResult advantage(RolloutResult rollout, double advantage) {
    return new RolloutResult(rollout.totalReward(), advantage, rollout.success(), rollout.tokenLogprobs(),
        rollout.promptLength(), rollout.completionLength());
  }

  /** The sketches of a row's commitments column. */
  static long[] sketches(RolloutCommit commit) {
    List<?> parsed = (List<?>) JsonValues.parse(commit.commitmentsJson());
    long[] sketches = new long[parsed.size()];
    for (int i = 0; i < sketches.length; i++) {
      sketches[i] = ((Number) ((Map<?, ?>) parsed.get(i)).get("sketch")).longValue();
    }
    return sketches;
  }

  /** The commit-binding signature {@code signer} makes over a commit's tokens, beacon, model, layer and commitments. */
  static String bindingSignature(RolloutCommit commit, Keypair signer) {
    Map<?, ?> beacon = (Map<?, ?>) JsonValues.parse(commit.beaconJson());
    byte[] digest = CommitBinding.digest(commit.tokens(), Randomness.parse((String) beacon.get("randomness")),
        commit.model().name(), commit.model().layerIndex(), sketches(commit));
    return Hex.encode(signer.sign(digest));
  }

  static RolloutRow nonce(RolloutRow row, long nonce) {
    return new RolloutRow(row.windowStart(), row.block(), nonce, row.blockHash(), row.randomness(), row.useDrand(),
        row.rolloutGroup(), row.rolloutIndex(), row.totalInGroup(), row.checkpointWindow(), row.commit(), row.timestamp(),
        row.challenge(), row.hotkey(), row.signature());
  }

  static RolloutRow checkpointWindow(RolloutRow row, long checkpointWindow) {
    return new RolloutRow(row.windowStart(), row.block(), row.nonce(), row.blockHash(), row.randomness(), row.useDrand(),
        row.rolloutGroup(), row.rolloutIndex(), row.totalInGroup(), checkpointWindow, row.commit(), row.timestamp(),
        row.challenge(), row.hotkey(), row.signature());
  }

  static RolloutRow blockHash(RolloutRow row, String blockHash) {
    return new RolloutRow(row.windowStart(), row.block(), row.nonce(), blockHash, row.randomness(), row.useDrand(),
        row.rolloutGroup(), row.rolloutIndex(), row.totalInGroup(), row.checkpointWindow(), row.commit(), row.timestamp(),
        row.challenge(), row.hotkey(), row.signature());
  }

  static RolloutRow outerSignature(RolloutRow row, String signature) {
    return new RolloutRow(row.windowStart(), row.block(), row.nonce(), row.blockHash(), row.randomness(), row.useDrand(),
        row.rolloutGroup(), row.rolloutIndex(), row.totalInGroup(), row.checkpointWindow(), row.commit(), row.timestamp(),
        row.challenge(), row.hotkey(), signature);
  }
}
