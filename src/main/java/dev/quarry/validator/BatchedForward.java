package dev.quarry.validator;

import dev.quarry.grail.protocol.Challenges;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.ModelConfig;
import dev.quarry.model.ProofOptions;
import dev.quarry.model.ProofResult;
import dev.quarry.validator.checks.ChallengedStates;
import dev.quarry.validator.checks.RowUnderTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The validator's one forward pass over all rows of a miner it checks
 * ({@code _precompute_batched_forward} and {@code _precompute_challenged_logprobs}): sub-batches of
 * 16 through {@link dev.quarry.model.ProofForward}, each row reduced at once to what the checks need
 * (hidden states at the challenged positions, completion log-probabilities, the EOS probability
 * before the last token, the processed chosen-token probabilities), so hidden states of whole
 * sequences are never held for more than one sub-batch.
 *
 * <p>Rows the model cannot run (token ids outside the vocabulary, longer than the context, lengths
 * that do not add up) get no evidence; they fail the schema or token checks before any check needs it.
 */
final class BatchedForward {

  /** One row's forward-pass results. */
  record Evidence(ChallengedStates challenged, float[] completionLogprobs, Float eosProbability,
      float[] chosenProbabilities) {}

  private BatchedForward() {}

  static Map<Integer, Evidence> run(CausalLanguageModel model, List<RowUnderTest> rows, Randomness challengeRandomness,
      Challenges challenges, ProofOptions options) {
    ModelConfig config = model.config();
    List<RowUnderTest> runnable = new ArrayList<>();
    for (RowUnderTest row : rows) {
      if (runnable(row, config)) {
        runnable.add(row);
      }
    }
    Map<Integer, Evidence> evidence = new HashMap<>();
    if (runnable.isEmpty()) {
      return evidence;
    }
    List<int[]> sequences = new ArrayList<>(runnable.size());
    int[] promptLengths = new int[runnable.size()];
    for (int i = 0; i < runnable.size(); i++) {
      sequences.add(runnable.get(i).commit().tokens());
      promptLengths[i] = runnable.get(i).rollout().promptLength();
    }
    int[] next = {0};
    model.proofForward().run(sequences, promptLengths, options, result -> {
      RowUnderTest row = runnable.get(next[0]++);
      evidence.put(row.index(), reduce(row, result, challengeRandomness, challenges));
    });
    return evidence;
  }

  private static boolean runnable(RowUnderTest row, ModelConfig config) {
    int count = row.commit().tokenCount();
    int prompt = row.rollout().promptLength();
    int completion = row.rollout().completionLength();
    if (count == 0 || count > config.maxPositionEmbeddings() || prompt < 1 || completion < 1
        || (long) prompt + completion != count) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      int token = row.commit().token(i);
      if (token < 0 || token >= config.vocabSize()) {
        return false;
      }
    }
    return true;
  }

  private static Evidence reduce(RowUnderTest row, ProofResult result, Randomness challengeRandomness, Challenges challenges) {
    int[] tokens = result.tokens();
    int[] positions = challenges.positions(tokens, challengeRandomness, result.promptLength(), result.completionLength());
    float[][] hidden = new float[positions.length][];
    int hiddenSize = result.hiddenSize();
    for (int i = 0; i < positions.length; i++) {
      hidden[i] = new float[hiddenSize];
      System.arraycopy(result.hiddenStates(), result.hiddenStateOffset(positions[i]), hidden[i], 0, hiddenSize);
    }
    float[] eos = result.eosProbabilities();
    Float lastEos = eos.length == 0 ? null : eos[eos.length - 1];
    float[] chosen = result.chosenTokenProbabilities();
    return new Evidence(new ChallengedStates(positions, hidden), result.completionLogprobs(), lastEos,
        chosen.length == 0 ? null : chosen);
  }
}
