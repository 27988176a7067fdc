package dev.quarry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The BlockZero mixture of experts against PyTorch running the reference's own SparseMoeBlock and
 * TopKRouter inside transformers' Qwen3 decoder (vectors/blockzero/moe_training.json): inference
 * log-probabilities of the full model, the loss of the partial model a miner trains, gradients of
 * the expert group, gradient clipping, AdamW and the warm-up/cosine learning rate over three
 * optimizer steps with gradient accumulation.
 */
class MoeTrainingReferenceTest {

  private static JsonNode vectors;
  private static Path checkpoint;

  @BeforeAll
  static void load() throws Exception {
    vectors = dev.quarry.blockzero.BlockZeroVectors.load("moe_training.json");
    checkpoint = TinyModels.checkpoint("blockzero-moe");
    assertThat(Hex.encode(Hashes.sha256(Files.readAllBytes(checkpoint.resolve("model.safetensors")))))
        .as("init-tiny must still write the checkpoint the vectors were computed from")
        .isEqualTo(vectors.get("checkpoint").get("model_safetensors_sha256").asText());
  }

  private static List<TrainingSequence> sequences(int... indices) {
    List<TrainingSequence> batch = new ArrayList<>();
    for (int index : indices) {
      JsonNode sequence = vectors.get("sequences").get(index);
      int[] tokens = new int[sequence.get("tokens").size()];
      boolean[] targets = new boolean[tokens.length];
      for (int t = 0; t < tokens.length; t++) {
        tokens[t] = sequence.get("tokens").get(t).asInt();
        targets[t] = sequence.get("targets").get(t).asBoolean();
      }
      batch.add(new TrainingSequence(tokens, targets));
    }
    return batch;
  }

  private static Map<Integer, List<Integer>> group(String id) {
    Map<Integer, List<Integer>> experts = new LinkedHashMap<>();
    vectors.get("groups").get(id).properties().forEach(layer -> {
      List<Integer> ids = new ArrayList<>();
      layer.getValue().forEach(pair -> ids.add(pair.get(0).asInt()));
      experts.put(Integer.parseInt(layer.getKey()), ids);
    });
    return experts;
  }

  @Test
  void fullModelInferenceMatchesTheReference() throws Exception {
    JsonNode full = vectors.get("full_model");
    try (CausalLanguageModel model = CausalLanguageModel.load(checkpoint, DeviceSpec.cpu())) {
      assertThat(model.config().moe()).isNotNull();
      List<int[]> tokens = new ArrayList<>();
      full.get("sequences").forEach(sequence -> {
        int[] ids = new int[sequence.get("tokens").size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = sequence.get("tokens").get(i).asInt();
        }
        tokens.add(ids);
      });
      List<ProofResult> results = model.proofForward().run(tokens, new int[] {1, 1, 1}, ProofOptions.logprobsOnly());
      for (int s = 0; s < tokens.size(); s++) {
        JsonNode expected = full.get("sequences").get(s).get("next_token_logprobs");
        float[] actual = results.get(s).completionLogprobs();
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < actual.length; i++) {
          assertThat((double) actual[i]).as("sequence %d position %d", s, i + 1).isCloseTo(expected.get(i).asDouble(), within(5e-4));
        }
      }
    }
    Map<Integer, List<Integer>> all = new LinkedHashMap<>();
    all.put(0, List.of(0, 1, 2, 3));
    all.put(1, List.of(0, 1, 2, 3));
    try (TrainableMoeModel model = TrainableMoeModel.load(checkpoint, DeviceSpec.cpu(), all, 2)) {
      TrainingLoss loss = model.evaluate(sequences(0, 1, 2));
      assertThat(loss.crossEntropy()).isCloseTo(full.get("cross_entropy").asDouble(), within(1e-3));
      assertThat(loss.auxLoss()).isCloseTo(full.get("aux_loss").asDouble(), within(1e-5));
      assertThat(loss.loss()).isCloseTo(full.get("loss").asDouble(), within(1e-3));
    }
  }

  @Test
  void expertGroupTrainingStepsMatchTheReference() throws Exception {
    JsonNode training = vectors.get("training");
    List<Integer> sample = new ArrayList<>();
    vectors.get("sample_indices").forEach(index -> sample.add(index.asInt()));
    try (TrainableMoeModel model = TrainableMoeModel.load(checkpoint, DeviceSpec.cpu(), group("0"), training.get("top_k").asInt())) {
      List<String> names = new ArrayList<>();
      training.get("parameter_names").forEach(name -> names.add(name.asText()));
      assertThat(model.parameterNames()).containsExactlyElementsOf(names);
      AdamW optimizer = model.newOptimizer(new AdamW.Settings(0.9, 0.95, 1e-8, training.get("weight_decay").asDouble()));
      for (JsonNode step : training.get("steps")) {
        model.zeroGradients();
        List<List<TrainingSequence>> microBatches = List.of(sequences(0, 1), sequences(2));
        for (int micro = 0; micro < microBatches.size(); micro++) {
          TrainingLoss loss = model.forwardBackward(microBatches.get(micro), 1.0 / microBatches.size());
          JsonNode expected = step.get("micro_batches").get(micro);
          assertThat(loss.crossEntropy()).isCloseTo(expected.get("cross_entropy").asDouble(), within(2e-4));
          assertThat(loss.auxLoss()).isCloseTo(expected.get("aux_loss").asDouble(), within(1e-4));
        }
        Set<String> expectedUntouched = new HashSet<>();
        step.get("no_gradient").forEach(name -> expectedUntouched.add(name.asText()));
        Set<String> untouched = new HashSet<>(names);
        untouched.removeAll(model.touchedParameters());
        assertThat(untouched).isEqualTo(expectedUntouched);
        step.get("gradients").properties().forEach(entry -> compare(model.gradient(entry.getKey()), entry.getValue(), sample,
            "gradient of " + entry.getKey()));
        double norm = model.clipGradients(training.get("max_grad_norm").asDouble());
        assertThat(norm).isCloseTo(step.get("grad_norm").asDouble(), within(step.get("grad_norm").asDouble() * 1e-3));
        optimizer.step(step.get("lr").asDouble());
        Map<String, float[]> after = new LinkedHashMap<>();
        model.exportParameters().forEach(tensor -> {
          float[] values = new float[tensor.data().remaining() / 4];
          tensor.data().asFloatBuffer().get(values);
          after.put(tensor.name(), values);
        });
        step.get("parameters_after").properties().forEach(entry -> compare(after.get(entry.getKey()), entry.getValue(), sample,
            "weight " + entry.getKey()));
      }
    }
  }

  private static void compare(float[] actual, JsonNode expected, List<Integer> sample, String what) {
    double norm = 0;
    double sum = 0;
    for (float value : actual) {
      norm += (double) value * value;
      sum += value;
    }
    norm = Math.sqrt(norm);
    double scale = Math.max(expected.get("norm").asDouble(), 1e-12);
    assertThat(norm).as(what + " norm").isCloseTo(expected.get("norm").asDouble(), within(scale * 1e-4));
    assertThat(sum).as(what + " sum").isCloseTo(expected.get("sum").asDouble(), within(scale * 1e-2));
    int sampled = 0;
    for (int index : sample) {
      if (index < actual.length) {
        assertThat((double) actual[index]).as(what + "[" + index + "]")
            .isCloseTo(expected.get("samples").get(sampled++).asDouble(), within(scale * 1e-4));
      }
    }
  }
}
