package dev.quarry.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.storage.safetensors.SafetensorsFile;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * An 8192-token sequence (Grail's completion cap) through the proof pass: attention is blocked and
 * logits are chunked, so it runs in bounded memory; the last log-probabilities are checked against
 * a plain Java computation from the returned hidden states and the checkpoint's embedding matrix.
 */
class LongSequenceTest {

  @Test
  void an8192TokenSequenceRunsAndItsLogprobsFollowFromItsHiddenStates() throws Exception {
    CausalLanguageModel model = TinyModels.model("qwen3");
    int length = 8192;
    int promptLength = length - 64;
    int[] tokens = new int[length];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < length; i++) {
      tokens[i] = random.nextInt(151_643);
    }
    ProofResult result = model.proofForward().run(List.of(tokens), new int[] {promptLength}, ProofOptions.miner())
        .get(0);
    assertThat(result.hiddenStates()).hasSize(length * 64);
    assertThat(result.completionLogprobs()).hasSize(64);
    for (float logprob : result.completionLogprobs()) {
      assertThat(logprob).isFinite().isNegative();
    }

    float[] embedding;
    try (SafetensorsFile file = SafetensorsFile.open(TinyModels.checkpoint("qwen3").resolve("model.safetensors"))) {
      embedding = file.readFloat32("model.embed_tokens.weight");
    }
    int hidden = 64;
    int vocabulary = embedding.length / hidden;
    for (int position : new int[] {promptLength, length - 1}) {
      int row = result.hiddenStateOffset(position - 1);
      double[] logits = new double[vocabulary];
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < vocabulary; v++) {
        double dot = 0;
        for (int h = 0; h < hidden; h++) {
          dot += (double) result.hiddenStates()[row + h] * embedding[v * hidden + h];
        }
        logits[v] = dot;
        max = Math.max(max, dot);
      }
      double sum = 0;
      for (double logit : logits) {
        sum += Math.exp(logit - max);
      }
      double expected = logits[tokens[position]] - max - Math.log(sum);
      assertThat((double) result.completionLogprobs()[position - promptLength]).as("position %d", position)
          .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
    }
  }
}
