package dev.quarry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.storage.safetensors.HalfPrecision;
import dev.quarry.storage.safetensors.SafetensorsFile;
import dev.quarry.storage.safetensors.SafetensorsWriter;
import dev.quarry.storage.safetensors.TensorData;
import dev.quarry.storage.safetensors.TensorDType;
import dev.quarry.storage.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint layouts and dtypes that must load, and broken checkpoints that must be refused clearly. */
class ModelLoadingTest {

  private static final int[] SEQUENCE = {9707, 1879, 11, 1246, 525, 498, 30, 151_645, 2, 77};
  private static ProofResult reference;

  @TempDir Path temporary;

  @BeforeAll
  static void computeReference() {
    reference = run(TinyModels.model("qwen3"));
  }

  private static ProofResult run(CausalLanguageModel model) {
    return model.proofForward().run(List.of(SEQUENCE), new int[] {3}, ProofOptions.miner()).get(0);
  }

  /** A copy of the tiny Qwen3 checkpoint without its weights file. */
  private Path copyWithoutWeights(String name) throws IOException {
    Path source = TinyModels.checkpoint("qwen3");
    Path target = temporary.resolve(name);
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : files.toList()) {
        if (!file.getFileName().toString().endsWith(".safetensors")) {
          Files.copy(file, target.resolve(file.getFileName()));
        }
      }
    }
    return target;
  }

  private static List<TensorData> tensors(Function<TensorData, TensorData> convert) throws IOException {
    List<TensorData> tensors = new ArrayList<>();
    try (SafetensorsFile file = SafetensorsFile.open(TinyModels.checkpoint("qwen3").resolve("model.safetensors"))) {
      for (TensorInfo info : file.tensors()) {
        ByteBuffer copy = ByteBuffer.allocate((int) info.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(file.map(info.name())).flip();
        tensors.add(convert.apply(new TensorData(info.name(), info.dtype(), info.shape(), copy)));
      }
    }
    return tensors;
  }

  private static TensorData toFloat32(TensorData bf16) {
    ByteBuffer data = bf16.data();
    float[] values = new float[data.remaining() / 2];
    for (int i = 0; i < values.length; i++) {
      values[i] = HalfPrecision.bfloat16ToFloat(data.getShort(i * 2));
    }
    return TensorData.ofFloat32(bf16.name(), bf16.shape(), values);
  }

  private static TensorData toFloat16(TensorData bf16) {
    ByteBuffer data = bf16.data();
    ByteBuffer out = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < data.remaining() / 2; i++) {
      out.putShort(HalfPrecision.floatToFloat16(HalfPrecision.bfloat16ToFloat(data.getShort(i * 2))));
    }
    out.flip();
    return new TensorData(bf16.name(), TensorDType.F16, bf16.shape(), out);
  }

  @Test
  void shardedCheckpointsLoadTheSameWeights() throws IOException {
    Path directory = copyWithoutWeights("sharded");
    List<TensorData> all = tensors(Function.identity());
    ObjectNode index = Vectors.json().createObjectNode();
    ObjectNode weightMap = index.putObject("weight_map");
    List<TensorData> first = new ArrayList<>();
    List<TensorData> second = new ArrayList<>();
    for (TensorData tensor : all) {
      boolean inFirst = tensor.name().contains("layers.0") || tensor.name().contains("embed");
      (inFirst ? first : second).add(tensor);
      weightMap.put(tensor.name(), inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
    }
    SafetensorsWriter.write(directory.resolve("model-00001-of-00002.safetensors"), first, Map.of("format", "pt"));
    SafetensorsWriter.write(directory.resolve("model-00002-of-00002.safetensors"), second, Map.of("format", "pt"));
    Files.writeString(directory.resolve("model.safetensors.index.json"), index.toString());
    try (CausalLanguageModel model = CausalLanguageModel.load(directory, DeviceSpec.cpu())) {
      ProofResult result = run(model);
      assertThat(result.hiddenStates()).containsExactly(reference.hiddenStates());
      assertThat(result.completionLogprobs()).containsExactly(reference.completionLogprobs());
    }
    Files.delete(directory.resolve("model-00002-of-00002.safetensors"));
    assertThatThrownBy(() -> CausalLanguageModel.load(directory, DeviceSpec.cpu()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("model-00002-of-00002.safetensors");
  }

  @Test
  void float32AndFloat16CheckpointsLoad() throws IOException {
    Path f32 = copyWithoutWeights("f32");
    SafetensorsWriter.write(f32.resolve("model.safetensors"), tensors(ModelLoadingTest::toFloat32), Map.of());
    try (CausalLanguageModel model = CausalLanguageModel.load(f32, DeviceSpec.cpu())) {
      assertThat(run(model).completionLogprobs()).containsExactly(reference.completionLogprobs());
    }
    Path f16 = copyWithoutWeights("f16");
    SafetensorsWriter.write(f16.resolve("model.safetensors"), tensors(ModelLoadingTest::toFloat16), Map.of());
    try (CausalLanguageModel model = CausalLanguageModel.load(f16, DeviceSpec.cpu())) {
      float[] logprobs = run(model).completionLogprobs();
      for (int i = 0; i < logprobs.length; i++) {
        // bf16 values are f16-exact except the few below f16's normal range.
        assertThat(logprobs[i]).isCloseTo(reference.completionLogprobs()[i], org.assertj.core.data.Offset.offset(0.05f));
      }
    }
  }

  @Test
  void missingOrMisShapedTensorsAreNamed() throws IOException {
    Path missing = copyWithoutWeights("missing");
    List<TensorData> withoutNorm = new ArrayList<>(tensors(Function.identity()));
    withoutNorm.removeIf(tensor -> tensor.name().equals("model.layers.1.self_attn.k_norm.weight"));
    SafetensorsWriter.write(missing.resolve("model.safetensors"), withoutNorm, Map.of());
    assertThatThrownBy(() -> CausalLanguageModel.load(missing, DeviceSpec.cpu()))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'model.layers.1.self_attn.k_norm.weight' is missing");

    Path misShaped = copyWithoutWeights("misshaped");
    ObjectNode config = (ObjectNode) Vectors.json().readTree(misShaped.resolve("config.json").toFile());
    config.put("intermediate_size", 128);
    Files.writeString(misShaped.resolve("config.json"), config.toString());
    Files.copy(TinyModels.checkpoint("qwen3").resolve("model.safetensors"), misShaped.resolve("model.safetensors"));
    assertThatThrownBy(() -> CausalLanguageModel.load(misShaped, DeviceSpec.cpu()))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("mlp.gate_proj.weight' has shape [192, 64] but config.json implies [128, 64]");
  }

  @Test
  void unsupportedSettingsAreRefused() throws IOException {
    Path directory = copyWithoutWeights("unsupported");
    Files.copy(TinyModels.checkpoint("qwen3").resolve("model.safetensors"), directory.resolve("model.safetensors"));
    ObjectNode original = (ObjectNode) Vectors.json().readTree(directory.resolve("config.json").toFile());
    Map<String, String> cases = Map.of(
        "{\"architectures\": [\"LlamaForCausalLM\"]}", "architecture 'LlamaForCausalLM' is not supported",
        "{\"use_sliding_window\": true}", "use_sliding_window=true is not supported",
        "{\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}}", "rope type 'yarn' is not supported",
        "{\"hidden_act\": \"gelu\"}", "hidden_act 'gelu' is not supported",
        "{\"num_key_value_heads\": 3}", "must be a multiple of num_key_value_heads");
    for (Map.Entry<String, String> entry : cases.entrySet()) {
      ObjectNode config = original.deepCopy();
      config.setAll((ObjectNode) Vectors.json().readTree(entry.getKey()));
      Files.writeString(directory.resolve("config.json"), config.toString());
      assertThatThrownBy(() -> CausalLanguageModel.load(directory, DeviceSpec.cpu())).as(entry.getKey())
          .isInstanceOf(ModelLoadException.class).hasMessageContaining(entry.getValue());
    }
    Files.delete(directory.resolve("config.json"));
    assertThatThrownBy(() -> CausalLanguageModel.load(directory, DeviceSpec.cpu()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("no config.json");
  }

  @Test
  void transformers5RopeParametersAreRead() throws IOException {
    Path directory = copyWithoutWeights("rope-parameters");
    ObjectNode config = (ObjectNode) Vectors.json().readTree(directory.resolve("config.json").toFile());
    config.remove("rope_theta");
    config.remove("rope_scaling");
    config.putObject("rope_parameters").put("rope_type", "default").put("rope_theta", 1_000_000.0);
    Files.writeString(directory.resolve("config.json"), config.toString());
    assertThat(ModelConfig.read(directory)).isEqualTo(TinyModels.model("qwen3").config()
        .withName(ModelConfig.read(directory).name()));
  }

  @Test
  void corruptOrMissingFilesAreRefused() throws IOException {
    Path truncated = copyWithoutWeights("truncated");
    Path weights = truncated.resolve("model.safetensors");
    Files.copy(TinyModels.checkpoint("qwen3").resolve("model.safetensors"), weights);
    try (FileChannel channel = FileChannel.open(weights, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 1000);
    }
    assertThatThrownBy(() -> CausalLanguageModel.load(truncated, DeviceSpec.cpu()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("truncated");

    Path noTokenizer = copyWithoutWeights("no-tokenizer");
    Files.delete(noTokenizer.resolve("tokenizer.json"));
    assertThatThrownBy(() -> CausalLanguageModel.load(noTokenizer, DeviceSpec.cpu()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("no tokenizer.json");

    Path noWeights = copyWithoutWeights("no-weights");
    assertThatThrownBy(() -> CausalLanguageModel.load(noWeights, DeviceSpec.cpu()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("no model.safetensors");

    assertThatThrownBy(() -> CausalLanguageModel.load(temporary.resolve("absent"), DeviceSpec.cpu()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("does not exist");
  }

  @Test
  void devicesAreExplicit() {
    assertThat(DeviceSpec.parse("cpu")).isEqualTo(DeviceSpec.cpu());
    assertThat(DeviceSpec.parse("cuda:1")).isEqualTo(DeviceSpec.cuda(1));
    assertThat(DeviceSpec.parse("gpu")).isEqualTo(DeviceSpec.cuda(0));
    assertThatThrownBy(() -> DeviceSpec.parse("tpu")).hasMessageContaining("use cpu or cuda:N");
    // This machine has no GPU: asking for one fails instead of silently using the CPU.
    assertThatThrownBy(() -> CausalLanguageModel.load(TinyModels.checkpoint("qwen3"), DeviceSpec.cuda(0)))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("cuda:0 requested");
  }
}
