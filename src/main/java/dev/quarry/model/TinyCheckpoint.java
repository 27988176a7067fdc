package dev.quarry.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.storage.safetensors.SafetensorsWriter;
import dev.quarry.storage.safetensors.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * Writes a small random Qwen2 or Qwen3 checkpoint in real Hugging Face layout: bf16
 * {@code model.safetensors}, {@code config.json}, {@code generation_config.json}, the real Qwen3
 * tokenizer files and a chat template. The weights are a pure function of the seed (a
 * {@link SplittableRandom} and Box-Muller, nothing JDK-version dependent), so tests and the
 * embedded default can regenerate a checkpoint instead of storing it.
 *
 * <p>Qwen3: hidden 64, 2 layers, 4 query heads of width 32 (head_dim set explicitly), 2 key/value
 * heads, tied embeddings, a 40,960-position context. Qwen2: hidden 64, 2 layers, 4 heads of width
 * 16, 2 key/value heads, q/k/v biases, a separate lm_head, a 32,768-position context. Both use
 * Qwen's 151,936-row vocabulary and RoPE base 1,000,000 (the values of the real families).
 */
public final class TinyCheckpoint {

  /** Which chat template the checkpoint ships. */
  public enum Template {
    /** Qwen3's own template (thinking-aware), from the vendored tokenizer_config.json. */
    QWEN3,
    /** The plain ChatML template Grail's trainer installs in instructed mode. */
    CHATML
  }

  /** Grail's instructed-mode template, as grail/shared/chat_templates.py builds it. */
  public static final String CHATML_TEMPLATE = "{% for message in messages %}"
      + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
      + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  static final int VOCABULARY = 151_936;
  private static final String RESOURCES = "/dev/quarry/model/qwen3/";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TinyCheckpoint() {}

  /**
   * The BlockZero-style tiny mixture of experts: Qwen3 attention (hidden 64, 2 layers, 4×16 query
   * heads, 2 kv heads, tied embeddings), both layers sparse with a router over 4 experts (width
   * 32, top-2, renormalized), a shared expert of width 64, and the reference's load-balancing loss
   * (coefficient 1.0).
   */
  public static final MoeConfig TINY_MOE = new MoeConfig(4, 2, 32, 64, true, 1, List.of(), 1.0, true);

  /** The config.json written for an architecture. */
  public static ModelConfig config(Architecture architecture) {
    if (architecture == Architecture.BLOCKZERO_MOE) {
      return new ModelConfig(Architecture.BLOCKZERO_MOE, "quarry-tiny-blockzero-moe", VOCABULARY, 64, 128, 2, 4, 2, 16, 1e-6,
          1_000_000, 4096, true, false, false, 151_643, List.of(151_645), -1, TINY_MOE);
    }
    return architecture == Architecture.QWEN3
        ? new ModelConfig(Architecture.QWEN3, "quarry-tiny-qwen3", VOCABULARY, 64, 192, 2, 4, 2, 32, 1e-6, 1_000_000,
            40_960, true, false, false, 151_643, List.of(151_645), -1)
        : new ModelConfig(Architecture.QWEN2, "quarry-tiny-qwen2", VOCABULARY, 64, 160, 2, 4, 2, 16, 1e-6, 1_000_000,
            32_768, false, true, false, 151_643, List.of(151_645), -1);
  }

  /** Writes the checkpoint into {@code directory} (created if needed; existing files are replaced). */
  public static void write(Path directory, Architecture architecture, long seed, Template template) throws IOException {
    Files.createDirectories(directory);
    ModelConfig config = config(architecture);
    SafetensorsWriter.write(directory.resolve("model.safetensors"), weights(config, seed), Map.of("format", "pt"));
    Files.writeString(directory.resolve("config.json"), configJson(config));
    Files.writeString(directory.resolve("generation_config.json"), generationConfigJson(architecture));
    try (InputStream in = new GZIPInputStream(resource("tokenizer.json.gz"))) {
      Files.write(directory.resolve("tokenizer.json"), in.readAllBytes());
    }
    ObjectNode tokenizerConfig;
    try (InputStream in = resource("tokenizer_config.json")) {
      tokenizerConfig = (ObjectNode) JSON.readTree(in);
    }
    String qwen3Template = tokenizerConfig.remove("chat_template").asText();
    // transformers saves the template beside tokenizer_config.json rather than inside it.
    Files.writeString(directory.resolve("tokenizer_config.json"), JSON.writeValueAsString(tokenizerConfig));
    Files.writeString(directory.resolve("chat_template.jinja"),
        template == Template.QWEN3 ? qwen3Template : CHATML_TEMPLATE, StandardCharsets.UTF_8);
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = TinyCheckpoint.class.getResourceAsStream(RESOURCES + name);
    if (in == null) {
      throw new IOException("the distribution lacks the vendored tokenizer resource " + RESOURCES + name);
    }
    return in;
  }

  /** The vendored Qwen3 tokenizer_config.json, unchanged (chat template included). */
  public static String vendoredTokenizerConfig() {
    try (InputStream in = resource("tokenizer_config.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException exception) {
      throw new UncheckedIOException(exception);
    }
  }

  private static String configJson(ModelConfig config) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("architectures").add(config.architecture().className());
    root.put("model_type", config.architecture().modelType());
    root.put("vocab_size", config.vocabSize());
    root.put("hidden_size", config.hiddenSize());
    root.put("intermediate_size", config.intermediateSize());
    root.put("num_hidden_layers", config.layerCount());
    root.put("num_attention_heads", config.attentionHeads());
    root.put("num_key_value_heads", config.keyValueHeads());
    if (config.architecture().normalizesQueryAndKey()) {
      root.put("head_dim", config.headDim());
      root.put("attention_bias", false);
    }
    if (config.moe() != null) {
      config.moe().write(root);
    }
    root.put("hidden_act", "silu");
    root.put("max_position_embeddings", config.maxPositionEmbeddings());
    root.put("rms_norm_eps", config.rmsNormEpsilon());
    root.put("rope_theta", config.ropeTheta());
    root.putNull("rope_scaling");
    root.put("tie_word_embeddings", config.tieWordEmbeddings());
    root.put("use_sliding_window", false);
    root.put("attention_dropout", 0.0);
    root.put("initializer_range", 0.02);
    root.put("use_cache", true);
    root.put("bos_token_id", config.bosTokenId());
    root.put("eos_token_id", config.eosTokenIds().get(0));
    root.put("torch_dtype", "bfloat16");
    return JSON.writeValueAsString(root);
  }

  /** Qwen's published generation defaults for each family (Qwen3, Qwen2.5-Instruct). */
  private static String generationConfigJson(Architecture architecture) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("bos_token_id", 151_643);
    root.putArray("eos_token_id").add(151_645).add(151_643);
    root.put("pad_token_id", 151_643);
    root.put("do_sample", true);
    if (architecture.normalizesQueryAndKey()) {
      root.put("temperature", 0.6);
      root.put("top_k", 20);
      root.put("top_p", 0.95);
    } else {
      root.put("repetition_penalty", 1.05);
      root.put("temperature", 0.7);
      root.put("top_k", 20);
      root.put("top_p", 0.8);
    }
    return JSON.writeValueAsString(root);
  }

  /** Random weights: linear layers ~ N(0, 1/in), embeddings ~ N(0, 0.5^2), norms ~ 1 + N(0, 0.1^2). */
  static List<TensorData> weights(ModelConfig config, long seed) {
    Gaussian random = new Gaussian(seed);
    List<TensorData> tensors = new ArrayList<>();
    long hidden = config.hiddenSize();
    long query = (long) config.attentionHeads() * config.headDim();
    long keyValue = (long) config.keyValueHeads() * config.headDim();
    long intermediate = config.intermediateSize();
    tensors.add(tensor("model.embed_tokens.weight", random, 0.5, 0, config.vocabSize(), hidden));
    for (int i = 0; i < config.layerCount(); i++) {
      String prefix = "model.layers." + i + ".";
      tensors.add(tensor(prefix + "input_layernorm.weight", random, 0.1, 1, hidden));
      tensors.add(tensor(prefix + "self_attn.q_proj.weight", random, 1 / Math.sqrt(hidden), 0, query, hidden));
      tensors.add(tensor(prefix + "self_attn.k_proj.weight", random, 1 / Math.sqrt(hidden), 0, keyValue, hidden));
      tensors.add(tensor(prefix + "self_attn.v_proj.weight", random, 1 / Math.sqrt(hidden), 0, keyValue, hidden));
      if (config.attentionBias()) {
        tensors.add(tensor(prefix + "self_attn.q_proj.bias", random, 0.1, 0, query));
        tensors.add(tensor(prefix + "self_attn.k_proj.bias", random, 0.1, 0, keyValue));
        tensors.add(tensor(prefix + "self_attn.v_proj.bias", random, 0.1, 0, keyValue));
      }
      if (config.architecture().normalizesQueryAndKey()) {
        tensors.add(tensor(prefix + "self_attn.q_norm.weight", random, 0.1, 1, config.headDim()));
        tensors.add(tensor(prefix + "self_attn.k_norm.weight", random, 0.1, 1, config.headDim()));
      }
      tensors.add(tensor(prefix + "self_attn.o_proj.weight", random, 1 / Math.sqrt(query), 0, hidden, query));
      tensors.add(tensor(prefix + "post_attention_layernorm.weight", random, 0.1, 1, hidden));
      if (config.moe() != null && config.moe().sparse(i)) {
        tensors.addAll(sparseWeights(prefix, config, random));
        continue;
      }
      tensors.add(tensor(prefix + "mlp.gate_proj.weight", random, 1 / Math.sqrt(hidden), 0, intermediate, hidden));
      tensors.add(tensor(prefix + "mlp.up_proj.weight", random, 1 / Math.sqrt(hidden), 0, intermediate, hidden));
      tensors.add(tensor(prefix + "mlp.down_proj.weight", random, 1 / Math.sqrt(intermediate), 0, hidden,
          intermediate));
    }
    tensors.add(tensor("model.norm.weight", random, 0.1, 1, hidden));
    if (!config.tieWordEmbeddings()) {
      tensors.add(tensor("lm_head.weight", random, 0.5, 0, config.vocabSize(), hidden));
    }
    return tensors;
  }

  /** A sparse layer under BlockZero's names: router, every routed expert, the shared expert and its gate. */
  private static List<TensorData> sparseWeights(String prefix, ModelConfig config, Gaussian random) {
    MoeConfig moe = config.moe();
    long hidden = config.hiddenSize();
    long width = moe.expertIntermediateSize();
    long sharedWidth = moe.sharedExpertIntermediateSize();
    List<TensorData> tensors = new ArrayList<>();
    tensors.add(tensor(prefix + "mlp.gate.weight.weight", random, 1 / Math.sqrt(hidden), 0, moe.numExperts(), hidden));
    for (int expert = 0; expert < moe.numExperts(); expert++) {
      String name = prefix + "mlp.experts." + expert + ".";
      tensors.add(tensor(name + "gate_proj.weight", random, 1 / Math.sqrt(hidden), 0, width, hidden));
      tensors.add(tensor(name + "up_proj.weight", random, 1 / Math.sqrt(hidden), 0, width, hidden));
      tensors.add(tensor(name + "down_proj.weight", random, 1 / Math.sqrt(width), 0, hidden, width));
    }
    tensors.add(tensor(prefix + "mlp.shared_expert.gate_proj.weight", random, 1 / Math.sqrt(hidden), 0, sharedWidth, hidden));
    tensors.add(tensor(prefix + "mlp.shared_expert.up_proj.weight", random, 1 / Math.sqrt(hidden), 0, sharedWidth, hidden));
    tensors.add(tensor(prefix + "mlp.shared_expert.down_proj.weight", random, 1 / Math.sqrt(sharedWidth), 0, hidden, sharedWidth));
    tensors.add(tensor(prefix + "mlp.shared_expert_gate.weight", random, 1 / Math.sqrt(hidden), 0, 1, hidden));
    return tensors;
  }

  private static TensorData tensor(String name, Gaussian random, double scale, double mean, long... shape) {
    long count = 1;
    for (long dimension : shape) {
      count *= dimension;
    }
    float[] values = new float[Math.toIntExact(count)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (mean + scale * random.next());
    }
    return TensorData.ofBfloat16(name, shape, values);
  }

  /** Standard normal numbers by Box-Muller over SplittableRandom: the same on every JDK. */
  private static final class Gaussian {
    private final SplittableRandom random;
    private double spare = Double.NaN;

    Gaussian(long seed) {
      random = new SplittableRandom(seed);
    }

    double next() {
      if (!Double.isNaN(spare)) {
        double value = spare;
        spare = Double.NaN;
        return value;
      }
      double u1 = (random.nextLong() >>> 11) * 0x1.0p-53;
      double u2 = (random.nextLong() >>> 11) * 0x1.0p-53;
      double radius = StrictMath.sqrt(-2 * StrictMath.log(1 - u1));
      spare = radius * StrictMath.sin(2 * Math.PI * u2);
      return radius * StrictMath.cos(2 * Math.PI * u2);
    }
  }
}
