package dev.quarry.storage.window;

import java.util.Arrays;
import java.util.Objects;

/**
 * The {@code commit} struct of a rollout row. {@code commitmentsJson} and {@code beaconJson} are the
 * exact JSON texts the protocol code produced (Python {@code json.dumps} style); they are signed
 * data, so they are stored and returned byte for byte, never re-serialized here.
 */
public record RolloutCommit(
    int[] tokens,
    String commitmentsJson,
    String proofVersion,
    ModelInfo model,
    String signature,
    String beaconJson,
    RolloutResult rollout) {

  public RolloutCommit {
    tokens = tokens.clone();
    Objects.requireNonNull(commitmentsJson, "commitmentsJson");
    Objects.requireNonNull(proofVersion, "proofVersion");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(beaconJson, "beaconJson");
    Objects.requireNonNull(rollout, "rollout");
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  /** The number of tokens without copying them. */
  public int tokenCount() {
    return tokens.length;
  }

  /** One token id without copying the array. */
  public int token(int index) {
    return tokens[index];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RolloutCommit that
        && Arrays.equals(tokens, that.tokens)
        && commitmentsJson.equals(that.commitmentsJson)
        && proofVersion.equals(that.proofVersion)
        && model.equals(that.model)
        && signature.equals(that.signature)
        && beaconJson.equals(that.beaconJson)
        && rollout.equals(that.rollout);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens) * 31 + signature.hashCode();
  }

  @Override
  public String toString() {
    return "RolloutCommit[tokens=" + tokens.length + ", proofVersion=" + proofVersion + ", model=" + model
        + ", rollout=" + rollout + "]";
  }
}
