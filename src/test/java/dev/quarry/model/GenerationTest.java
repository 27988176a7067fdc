package dev.quarry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GenerationTest {

  private static final Set<Integer> QWEN_STOPS = Set.of(151_645, 151_643);

  private static List<int[]> prompts(JsonNode generations) {
    List<int[]> prompts = new ArrayList<>();
    for (JsonNode generation : generations) {
      prompts.add(Vectors.json().convertValue(generation.get("prompt"), int[].class));
    }
    return prompts;
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen3", "qwen2"})
  void greedyBatchMatchesTransformersGreedyOnePromptAtATime(String arch) {
    JsonNode generations = Vectors.load("generate_" + arch + ".json").get("generations");
    Generator generator = TinyModels.model(arch).generator();
    // All prompts (lengths 104, 3, 20) in one left-padded batch.
    List<Completion> plain = generator.generate(prompts(generations), SamplingParameters.greedy(), 24, 7, QWEN_STOPS);
    List<Completion> penalized = generator.generate(prompts(generations), new SamplingParameters(1.0, 1.0, 1, 1.3),
        24, 7, QWEN_STOPS);
    for (int i = 0; i < generations.size(); i++) {
      assertThat(plain.get(i).tokens()).as("prompt %d", i)
          .containsExactly(Vectors.json().convertValue(generations.get(i).get("completion"), int[].class));
      assertThat(penalized.get(i).tokens()).as("prompt %d with repetition penalty", i)
          .containsExactly(Vectors.json().convertValue(generations.get(i).get("completion_repetition_penalty_1.3"),
              int[].class));
    }
  }

  @Test
  void decodingWithTheCacheGivesTheLogitsOfAFullForwardPass() {
    CausalLanguageModel model = TinyModels.model("qwen3");
    QwenTransformer transformer = model.transformer();
    int[] sequence = new int[40];
    for (int i = 0; i < sequence.length; i++) {
      sequence[i] = (i * 7919 + 13) % 151_000;
    }
    int promptLength = 25;
    NDManager manager = transformer.manager();
    try (NDScope scope = new NDScope(); KvCache cache = new KvCache(manager, model.config(), 1, sequence.length)) {
      NDArray full = transformer.logits(transformer.forwardPacked(List.of(sequence)));
      float[] fullLogits = full.toFloatArray();
      int vocabulary = model.config().vocabSize();
      long[] ids = Arrays.stream(sequence).asLongStream().toArray();
      long[] positions = new long[sequence.length];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = i;
      }
      NDArray allIds = manager.create(ids, new Shape(1, sequence.length));
      NDArray allPositions = manager.create(positions, new Shape(1, sequence.length));
      // Prefill the prompt in two uneven chunks, then decode one position at a time.
      List<long[]> steps = new ArrayList<>();
      steps.add(new long[] {0, 11});
      steps.add(new long[] {11, promptLength});
      for (int p = promptLength; p < sequence.length; p++) {
        steps.add(new long[] {p, p + 1});
      }
      double worst = 0;
      for (long[] step : steps) {
        long start = step[0];
        long end = step[1];
        NDArray bias = transformer.causalBias(start, end).reshape(1, 1, end - start, end);
        NDArray hidden = transformer.extend(Nd.narrow(allIds, 1, start, end), Nd.narrow(allPositions, 1, start, end),
            cache, start, bias);
        float[] logits = transformer.logits(hidden.reshape(end - start, model.config().hiddenSize())).toFloatArray();
        for (int row = 0; row < end - start; row++) {
          for (int v = 0; v < vocabulary; v += 97) {
            float expected = fullLogits[(int) ((start + row) * vocabulary + v)];
            worst = Math.max(worst, Math.abs(logits[row * vocabulary + v] - expected) / Math.max(1, Math.abs(expected)));
          }
        }
      }
      assertThat(worst).isLessThan(5e-5);
    }
  }

  @Test
  void prefillChunkingDoesNotChangeTheResult() {
    CausalLanguageModel model = TinyModels.model("qwen2");
    List<int[]> prompts = prompts(Vectors.load("generate_qwen2.json").get("generations"));
    SamplingParameters sampling = new SamplingParameters(0.8, 0.9, 40, 1.1);
    List<Completion> reference = model.generator().generate(prompts, sampling, 12, 99);
    List<Completion> chunked = model.generator().withPrefillRows(7).generate(prompts, sampling, 12, 99);
    assertThat(chunked).isEqualTo(reference);
  }

  @Test
  void sequencesStopAtTheirFirstStopTokenAndTheOthersContinue() {
    CausalLanguageModel model = TinyModels.model("qwen3");
    List<int[]> prompts = prompts(Vectors.load("generate_qwen3.json").get("generations"));
    SamplingParameters penalized = new SamplingParameters(1.0, 1.0, 1, 1.3);
    List<Completion> free = model.generator().generate(prompts, penalized, 20, 1, Set.of());
    // Stop on a token early in prompt 1's completion: prompt 1 ends early, the batch is compacted.
    int stop = free.get(1).tokens()[2];
    List<Completion> stopped = model.generator().generate(prompts, penalized, 20, 1, Set.of(stop));
    for (int i = 0; i < prompts.size(); i++) {
      int[] unconstrained = free.get(i).tokens();
      int cut = -1;
      for (int j = 0; j < unconstrained.length && cut < 0; j++) {
        if (unconstrained[j] == stop) {
          cut = j;
        }
      }
      if (cut >= 0) {
        assertThat(stopped.get(i).tokens()).containsExactly(Arrays.copyOf(unconstrained, cut + 1));
        assertThat(stopped.get(i).stopReason()).isEqualTo(StopReason.EOS);
      } else {
        assertThat(stopped.get(i).tokens()).containsExactly(unconstrained);
        assertThat(stopped.get(i).stopReason()).isEqualTo(StopReason.MAX_NEW_TOKENS);
      }
    }
    assertThat(stopped.get(1).length()).isLessThanOrEqualTo(3);
    assertThat(free).allSatisfy(completion -> assertThat(completion.length()).isEqualTo(20));
  }

  @Test
  void samplingIsReproducibleFromTheSeedAndEachSequenceDrawsItsOwnNumbers() {
    CausalLanguageModel model = TinyModels.model("qwen3");
    int[] prompt = {9707, 1879, 11, 1246};
    List<int[]> prompts = List.of(prompt, prompt, prompt, prompt);
    SamplingParameters sampling = new SamplingParameters(1.0, 0.95, 0, 1.0);
    List<Completion> first = model.generator().generate(prompts, sampling, 16, 42);
    List<Completion> again = model.generator().generate(prompts, sampling, 16, 42);
    List<Completion> otherSeed = model.generator().generate(prompts, sampling, 16, 43);
    assertThat(again).isEqualTo(first);
    assertThat(otherSeed).isNotEqualTo(first);
    assertThat(first.stream().map(completion -> Arrays.toString(completion.tokens())).distinct().count())
        .isGreaterThan(1);
  }

  @Test
  void identicalPromptsArePrefilledOnceAndGiveTheSameCompletions() {
    CausalLanguageModel model = TinyModels.model("qwen2");
    List<int[]> prompts = prompts(Vectors.load("generate_qwen2.json").get("generations"));
    SamplingParameters penalized = new SamplingParameters(1.0, 1.0, 1, 1.3);
    List<Completion> alone0 = model.generator().generate(List.of(prompts.get(0)), penalized, 10, 0, Set.of());
    List<Completion> alone1 = model.generator().generate(List.of(prompts.get(1)), penalized, 10, 0, Set.of());
    List<Completion> mixed = model.generator().generate(List.of(prompts.get(0), prompts.get(1), prompts.get(0),
        prompts.get(0)), penalized, 10, 0, Set.of());
    assertThat(mixed).containsExactly(alone0.get(0), alone1.get(0), alone0.get(0), alone0.get(0));
  }

  @Test
  void refusesPromptsThatCannotFitInsteadOfClamping() {
    CausalLanguageModel model = TinyModels.model("qwen3");
    int[] longPrompt = new int[40_900];
    Arrays.fill(longPrompt, 9707);
    assertThatThrownBy(() -> model.generator().generate(List.of(new int[] {1}, longPrompt),
        SamplingParameters.greedy(), 100, 0))
        .isInstanceOf(PromptTooLongException.class)
        .hasMessageContaining("prompt 1 has 40900 tokens")
        .hasMessageContaining("40960");
    assertThatThrownBy(() -> model.generator().generate(List.of(new int[0]), SamplingParameters.greedy(), 4, 0))
        .hasMessageContaining("prompt 0 is empty");
    assertThatThrownBy(() -> model.generator().generate(List.of(new int[] {200_000}), SamplingParameters.greedy(), 4, 0))
        .hasMessageContaining("outside the vocabulary");
  }

  @Test
  void stopTokensComeFromTheCheckpoint() {
    CausalLanguageModel model = TinyModels.model("qwen3");
    assertThat(model.stopTokenIds()).containsExactlyInAnyOrder(151_645, 151_643);
    assertThat(model.eosTokenId()).isEqualTo(151_645);
    assertThat(model.padTokenId()).isEqualTo(151_645);
    assertThat(model.generationConfig().defaultSampling()).isEqualTo(new SamplingParameters(0.6, 0.95, 20, 1.0));
  }
}
