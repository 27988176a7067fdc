package dev.quarry.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sampling processors against transformers' RepetitionPenalty/Temperature/TopK/TopP
 * processors on real logits of the tiny Qwen3, and the draw itself against the distribution.
 */
class SamplerTest {

  private static NDArray seen(NDManager manager, int[] context) {
    long[] ids = new long[context.length];
    for (int i = 0; i < context.length; i++) {
      ids[i] = context[i];
    }
    return manager.create(ids, new Shape(1, context.length));
  }

  @Test
  void distributionsMatchTransformersProcessors() {
    CausalLanguageModel model = TinyModels.model("qwen3");
    JsonNode vectors = Vectors.load("sampling.json");
    int[] prompt = Vectors.json().convertValue(vectors.get("prompt"), int[].class);
    int vocabulary = model.config().vocabSize();
    QwenTransformer transformer = model.transformer();
    try (NDScope scope = new NDScope()) {
      NDManager manager = transformer.manager();
      NDArray logits = transformer.logits(transformer.forwardPacked(List.of(prompt)));
      int checked = 0;
      for (JsonNode testCase : vectors.get("cases")) {
        SamplingParameters parameters = new SamplingParameters(testCase.get("temperature").asDouble(),
            testCase.get("top_p").asDouble(), testCase.get("top_k").asInt(),
            testCase.get("repetition_penalty").asDouble());
        int row = testCase.get("row").asInt();
        int[] context = Vectors.json().convertValue(testCase.get("context"), int[].class);
        NDArray rowLogits = logits.get(new NDIndex().addSliceDim(row, row + 1));
        float[] actual = new Sampler(parameters, vocabulary)
            .distribution(rowLogits, seen(manager, context)).toFloatArray();
        Map<Integer, Double> expected = new HashMap<>();
        for (int i = 0; i < testCase.get("indices").size(); i++) {
          expected.put(testCase.get("indices").get(i).asInt(), testCase.get("probabilities").get(i).asDouble());
        }
        int nonzero = 0;
        for (int token = 0; token < vocabulary; token++) {
          double reference = expected.getOrDefault(token, 0.0);
          assertThat((double) actual[token]).as("%s row %d token %d", parameters, row, token)
              .isCloseTo(reference, org.assertj.core.data.Offset.offset(2e-5));
          if (actual[token] > 0) {
            nonzero++;
          }
        }
        assertThat(nonzero).as("%s row %d kept tokens", parameters, row).isEqualTo(expected.size());
        checked++;
      }
      assertThat(checked).isGreaterThanOrEqualTo(20);
    }
  }

  /** Sweeping the uniform draw over a fine grid must reproduce the distribution (inverse CDF). */
  @Test
  void drawsFollowTheDistribution() {
    try (NDManager manager = TinyModels.newManager()) {
      int vocabulary = 2000;
      float[] logits = new float[vocabulary];
      for (int i = 0; i < vocabulary; i++) {
        logits[i] = (float) (-0.002 * i + Math.sin(i * 0.37) * 3);
      }
      int grid = 2000;
      NDArray rows = manager.create(logits, new Shape(1, vocabulary)).repeat(0, grid);
      float[] draws = new float[grid];
      for (int i = 0; i < grid; i++) {
        draws[i] = (i + 0.5f) / grid;
      }
      NDArray uniforms = manager.create(draws);
      for (SamplingParameters parameters : List.of(new SamplingParameters(0.7, 0.9, 50, 1.0),
          new SamplingParameters(1.0, 0.8, 0, 1.0), new SamplingParameters(1.5, 1.0, 30, 1.0),
          new SamplingParameters(2.0, 1.0, 0, 1.0))) {
        Sampler sampler = new Sampler(parameters, vocabulary);
        float[] probabilities = sampler.distribution(Nd.narrow(rows, 0, 0, 1), null)
            .toFloatArray();
        long[] fast = sampler.sample(rows, null, uniforms, false).toLongArray();
        long[] exact = sampler.sample(rows, null, uniforms, true).toLongArray();
        int[] counts = new int[vocabulary];
        for (int i = 0; i < grid; i++) {
          assertThat(fast[i]).as("%s fast draw %d", parameters, i).isEqualTo(exact[i]);
          counts[(int) exact[i]]++;
        }
        double worstGap = 0;
        for (int token = 0; token < vocabulary; token++) {
          if (counts[token] > 0) {
            assertThat(probabilities[token]).as("%s drew token %d", parameters, token).isPositive();
          }
          // A grid of draws gives each token an interval of width p, so its count is p * grid +- 1.
          worstGap = Math.max(worstGap, Math.abs(counts[token] - probabilities[token] * grid));
        }
        assertThat(worstGap).as("%s largest count error", parameters).isLessThan(1.5);
      }
    }
  }

  @Test
  void topKOneIsGreedy() {
    try (NDManager manager = TinyModels.newManager()) {
      float[] logits = new float[1000];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) Math.cos(i * 1.7);
      }
      logits[613] = 5f;
      NDArray row = manager.create(logits, new Shape(1, 1000));
      Sampler greedy = new Sampler(SamplingParameters.greedy(), 1000);
      for (float u : new float[] {0f, 0.3f, 0.999f}) {
        assertThat(greedy.sample(row, null, manager.create(new float[] {u}), false).toLongArray()).containsExactly(613);
      }
    }
  }

  @Test
  void aTieAtTheKthLogitIsResolvedOverTheWholeVocabulary() {
    try (NDManager manager = TinyModels.newManager()) {
      float[] logits = new float[100];
      logits[3] = 4f;
      logits[7] = 2f;
      logits[9] = 2f; // ties with token 7 for second place; HF's top-k=2 keeps both
      NDArray row = manager.create(logits, new Shape(1, 100));
      Sampler sampler = new Sampler(new SamplingParameters(1.0, 1.0, 2, 1.0), 100);
      NDArray u = manager.create(new float[] {0.99f});
      assertThat(sampler.sample(row, null, u, false).toLongArray()).containsExactly(-1);
      float[] distribution = sampler.distribution(row, null).toFloatArray();
      assertThat(distribution[7]).isPositive().isEqualTo(distribution[9]);
      assertThat(sampler.sample(row, null, u, true).toLongArray()[0]).isIn(7L, 9L);
    }
  }

  @Test
  void topPWithoutTopKFallsBackWhenTheCandidatesHoldTooLittleMass() {
    try (NDManager manager = TinyModels.newManager()) {
      int vocabulary = 20_000;
      NDArray flat = manager.zeros(new Shape(1, vocabulary));
      Sampler sampler = new Sampler(new SamplingParameters(1.0, 0.5, 0, 1.0), vocabulary);
      NDArray u = manager.create(new float[] {0.5f});
      assertThat(sampler.sample(flat, null, u, false).toLongArray()).containsExactly(-1);
      float[] distribution = sampler.distribution(flat, null).toFloatArray();
      long kept = 0;
      for (float probability : distribution) {
        kept += probability > 0 ? 1 : 0;
      }
      assertThat(kept).isBetween(9_999L, 10_001L);
    }
  }

  @Test
  void repetitionPenaltyFollowsTheSignOfTheLogit() {
    try (NDManager manager = TinyModels.newManager()) {
      NDArray logits = manager.create(new float[] {2f, -2f, 2f, -2f}, new Shape(1, 4));
      NDArray seen = manager.create(new long[] {1, 0, 1}, new Shape(1, 3));
      float[] processed = new Sampler(new SamplingParameters(2.0, 1.0, 0, 1.25), 4).process(logits, seen)
          .toFloatArray();
      assertThat(processed).containsExactly(0.8f, -1.25f, 1f, -1f);
    }
  }
}
