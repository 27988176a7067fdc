package dev.quarry.grail.protocol;

import dev.quarry.grail.protocol.python.PythonRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Which completion positions a validator challenges ({@code indices_from_root_in_range}). The
 * miner cannot know them: they come from the validator's window randomness, bound to the exact
 * token sequence.
 *
 * <p>{@code material = PRF("open", sha256(tokens), bytes(randomness), 32)} seeds CPython's
 * {@code random.Random}; with L completion tokens and k = min(CHALLENGE_K, L) it takes
 * {@code sorted(sample(range(L), k))} when {@code k < 0.1·L}, otherwise the first k of a shuffled
 * {@code range(L)}, sorted; positions are offset by the prompt length.
 */
public final class Challenges {

  private final int challengeK;

  public Challenges(ProtocolParameters.Proof proof) {
    this.challengeK = proof.challengeK();
  }

  public static Challenges v5() {
    return new Challenges(ProtocolParameters.v5().proof());
  }

  /**
   * Absolute challenged positions in {@code [promptLength, promptLength + completionLength)}.
   *
   * @param tokens the rollout's full token sequence (prompt and completion)
   */
  public int[] positions(int[] tokens, Randomness challengeRandomness, int promptLength, int completionLength) {
    Objects.requireNonNull(tokens, "tokens");
    return positions(tokens.length == 0 ? null : Tokens.hash(tokens), challengeRandomness.bytes(),
        promptLength, completionLength, challengeK);
  }

  /** As {@link #positions(int[], Randomness, int, int)} from the token hash and raw randomness bytes. */
  public static int[] positions(
      byte[] tokensHash, byte[] randomnessBytes, int promptLength, int completionLength, int k) {
    if (promptLength < 0) {
      throw new IllegalArgumentException("start must be non-negative, got " + promptLength);
    }
    if (completionLength <= 0) {
      if (completionLength < 0) {
        throw new IllegalArgumentException("completion length must be non-negative, got " + completionLength);
      }
      return new int[0];
    }
    int[] relative = indicesFromRoot(tokensHash, randomnessBytes, completionLength, Math.min(k, completionLength));
    for (int i = 0; i < relative.length; i++) {
      relative[i] += promptLength;
    }
    return relative;
  }

  /** {@code indices_from_root}: k sorted indices in [0, sequenceLength). */
  public static int[] indicesFromRoot(byte[] tokensHash, byte[] randomnessBytes, int sequenceLength, int k) {
    if (k > sequenceLength) {
      throw new IllegalArgumentException("Cannot sample " + k + " indices from sequence of length " + sequenceLength);
    }
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    if (tokensHash == null) {
      throw new IllegalArgumentException("tokens list cannot be empty");
    }
    if (randomnessBytes.length == 0) {
      throw new IllegalArgumentException("Empty randomness hex string");
    }
    byte[] material = Prf.derive(Prf.LABEL_OPEN, 32, tokensHash, randomnessBytes);
    PythonRandom random = PythonRandom.fromBytes(material);
    int[] chosen;
    if (k < sequenceLength * 0.1) {
      chosen = random.sampleIndices(sequenceLength, k);
    } else {
      int[] all = new int[sequenceLength];
      for (int i = 0; i < sequenceLength; i++) {
        all[i] = i;
      }
      random.shuffle(all);
      chosen = Arrays.copyOf(all, k);
    }
    Arrays.sort(chosen);
    return chosen;
  }
}
