package dev.quarry.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proof forward pass against transformers' Qwen3ForCausalLM / Qwen2ForCausalLM (float32,
 * eager attention) on the same tiny checkpoints: final-norm hidden states, fp32 log-probabilities,
 * EOS probabilities and the token-distribution probabilities.
 */
class ForwardReferenceTest {

  static final double TOLERANCE = 1e-4;

  static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      int read;
      while ((read = in.read(buffer)) > 0) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** |actual - expected| <= tolerance * max(1, |expected|), element by element. */
  static void assertClose(float[] actual, JsonNode expected, double tolerance, String what) {
    assertThat(actual).as(what + " length").hasSize(expected.size());
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      double reference = expected.get(i).asDouble();
      double error = Math.abs(actual[i] - reference) / Math.max(1, Math.abs(reference));
      worst = Math.max(worst, error);
    }
    assertThat(worst).as(what + ": worst relative error").isLessThanOrEqualTo(tolerance);
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen3", "qwen2"})
  void initTinyRegeneratesTheReferenceCheckpoint(String arch) throws Exception {
    JsonNode vectors = Vectors.load("forward_" + arch + ".json");
    assertThat(sha256(TinyModels.checkpoint(arch).resolve("model.safetensors")))
        .isEqualTo(vectors.get("_provenance").get("model_safetensors_sha256").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen3", "qwen2"})
  void matchesTransformers(String arch) {
    check(arch, TinyModels.model(arch).proofForward());
  }

  @Test
  void blockBoundariesDoNotChangeTheResult() {
    CausalLanguageModel model = TinyModels.model("qwen3");
    QwenTransformer transformer = model.transformer();
    try {
      // Attention blocks of ~10 query rows for the 300-token sequence, MLP chunks of 64 rows,
      // logits 50 rows at a time: every sequence crosses several block boundaries.
      transformer.setBlockSizes((long) model.config().attentionHeads() * 300 * 10, 64);
      check("qwen3", new ProofForward(transformer, 50));
    } finally {
      transformer.setBlockSizes(QwenTransformer.ATTENTION_BLOCK_FLOATS, QwenTransformer.PACKED_ROW_CHUNK);
    }
  }

  private static void check(String arch, ProofForward forward) {
    JsonNode vectors = Vectors.load("forward_" + arch + ".json");
    List<int[]> sequences = new ArrayList<>();
    List<Integer> promptLengths = new ArrayList<>();
    for (JsonNode sequence : vectors.get("sequences")) {
      sequences.add(Vectors.json().convertValue(sequence.get("tokens"), int[].class));
      promptLengths.add(sequence.get("prompt_length").asInt());
    }
    int eos = vectors.get("eos_token_id").asInt();
    int[] lengths = promptLengths.stream().mapToInt(Integer::intValue).toArray();
    List<ProofResult> plain = forward.run(sequences, lengths, new ProofOptions(true, eos, Double.NaN, Double.NaN));
    for (int s = 0; s < sequences.size(); s++) {
      JsonNode expected = vectors.get("sequences").get(s);
      ProofResult result = plain.get(s);
      assertThat(result.hiddenSize()).isEqualTo(vectors.get("hidden_size").asInt());
      assertClose(result.hiddenStates(), expected.get("hidden_states"), TOLERANCE, arch + " seq " + s + " hidden");
      assertClose(result.completionLogprobs(), expected.get("completion_logprobs"), TOLERANCE,
          arch + " seq " + s + " logprobs");
      assertClose(result.eosProbabilities(), expected.get("eos_probabilities"), TOLERANCE, arch + " seq " + s + " eos");
      assertThat(result.tokenLogprobs()).hasSize(sequences.get(s).length);
    }
    for (JsonNode setting : vectors.get("sequences").get(0).get("distribution")) {
      double temperature = setting.get("temperature").asDouble();
      double penalty = setting.get("repetition_penalty").asDouble();
      if (temperature == 1.0 && penalty == 1.0) {
        continue; // identical to exp(logprob), covered above
      }
      List<ProofResult> results = forward.run(sequences, lengths, ProofOptions.validator(eos, temperature, penalty));
      for (int s = 0; s < sequences.size(); s++) {
        JsonNode expected = vectors.get("sequences").get(s).get("distribution")
            .get("t=" + temperature + ",rp=" + penalty).get("probabilities");
        assertClose(results.get(s).chosenTokenProbabilities(), expected, TOLERANCE,
            arch + " seq " + s + " distribution t=" + temperature + " rp=" + penalty);
      }
    }
  }
}
