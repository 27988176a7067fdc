package dev.quarry.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face checkpoint loaded for inference: configuration, float32 weights on the chosen
 * device, the tokenizer, the checkpoint's chat template and generation defaults. The entry point
 * for mining and validation:
 *
 * <pre>{@code
 * try (CausalLanguageModel model = CausalLanguageModel.load(dir, DeviceSpec.cpu())) {
 *   int[] prompt = model.tokenizer().encode(model.chatTemplate().render(messages, true, Map.of()));
 *   List<Completion> completions = model.generator().generate(prompts, sampling, 1024, seed);
 *   List<ProofResult> proofs = model.proofForward().run(sequences, promptLengths, ProofOptions.miner());
 * }
 * }</pre>
 *
 * Generation and the proof pass use the model one call at a time (not thread-safe); close the
 * model to free its native memory.
 */
public final class CausalLanguageModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CausalLanguageModel.class);

  private final Path directory;
  private final DeviceSpec device;
  private final ModelConfig config;
  private final GenerationConfig generationConfig;
  private final Tokenizer tokenizer;
  private final ChatTemplate chatTemplate;
  private final QwenTransformer transformer;

  private CausalLanguageModel(Path directory, DeviceSpec device, ModelConfig config, GenerationConfig generationConfig,
      Tokenizer tokenizer, ChatTemplate chatTemplate, QwenTransformer transformer) {
    this.directory = directory;
    this.device = device;
    this.config = config;
    this.generationConfig = generationConfig;
    this.tokenizer = tokenizer;
    this.chatTemplate = chatTemplate;
    this.transformer = transformer;
  }

  /**
   * Loads a checkpoint directory (config.json, generation_config.json, *.safetensors, tokenizer
   * files, chat template) onto a device.
   *
   * @throws ModelLoadException naming the file and the problem when anything is missing or unsupported
   */
  public static CausalLanguageModel load(Path directory, DeviceSpec device) throws ModelLoadException {
    if (!Files.isDirectory(directory)) {
      throw new ModelLoadException("model directory " + directory + " does not exist");
    }
    long started = System.nanoTime();
    ModelConfig config = ModelConfig.read(directory);
    GenerationConfig generationConfig = GenerationConfig.read(directory);
    Device djlDevice = device.toDjlDevice();
    Tokenizer tokenizer = Tokenizer.load(directory);
    try {
      ChatTemplate template = ChatTemplate.load(directory, tokenizer.specialTokens());
      NDManager manager = Engine.getEngine("PyTorch").newBaseManager(djlDevice);
      QwenTransformer transformer;
      try (CheckpointTensors tensors = CheckpointTensors.open(directory)) {
        transformer = QwenTransformer.load(config, tensors, manager);
      } catch (ModelLoadException | RuntimeException exception) {
        manager.close();
        throw exception;
      }
      LOG.info("loaded {} ({}, {} layers, hidden {}, {} MiB of f32 weights) on {} in {} ms", config.name(),
          config.architecture().className(), config.layerCount(), config.hiddenSize(),
          transformer.parameterBytes() >> 20, device, (System.nanoTime() - started) / 1_000_000);
      return new CausalLanguageModel(directory, device, config, generationConfig, tokenizer, template, transformer);
    } catch (ModelLoadException | RuntimeException exception) {
      tokenizer.close();
      throw exception;
    }
  }

  public Path directory() {
    return directory;
  }

  public DeviceSpec device() {
    return device;
  }

  public ModelConfig config() {
    return config;
  }

  public GenerationConfig generationConfig() {
    return generationConfig;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public ChatTemplate chatTemplate() {
    return chatTemplate;
  }

  /** The model's name (config.json {@code _name_or_path}, else the directory name). */
  public String name() {
    return config.name();
  }

  /**
   * {@code tokenizer.eos_token_id} (what Grail's termination check compares the last token with);
   * falls back to generation_config.json, then config.json.
   */
  public int eosTokenId() {
    if (tokenizer.eosTokenId().isPresent()) {
      return tokenizer.eosTokenId().getAsInt();
    }
    if (!generationConfig.eosTokenIds().isEmpty()) {
      return generationConfig.eosTokenIds().get(0);
    }
    if (!config.eosTokenIds().isEmpty()) {
      return config.eosTokenIds().get(0);
    }
    throw new IllegalStateException("the checkpoint in " + directory + " declares no end-of-sequence token");
  }

  /** Tokens that stop generation: generation_config.json's eos ids plus the tokenizer's eos token. */
  public Set<Integer> stopTokenIds() {
    Set<Integer> ids = new LinkedHashSet<>(generationConfig.eosTokenIds());
    tokenizer.eosTokenId().ifPresent(ids::add);
    if (ids.isEmpty()) {
      ids.addAll(config.eosTokenIds());
    }
    return Collections.unmodifiableSet(ids);
  }

  /** The padding id Grail's proof pass uses: config.json's pad_token_id, else the eos id. */
  public int padTokenId() {
    return config.padTokenId() >= 0 ? config.padTokenId() : eosTokenId();
  }

  public Generator generator() {
    return new Generator(transformer, stopTokenIds(), padTokenId());
  }

  public ProofForward proofForward() {
    return new ProofForward(transformer);
  }

  QwenTransformer transformer() {
    return transformer;
  }

  @Override
  public void close() {
    transformer.close();
    tokenizer.close();
  }
}
