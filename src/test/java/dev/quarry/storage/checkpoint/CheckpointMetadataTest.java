package dev.quarry.storage.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.env.ThinkingMode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CheckpointMetadataTest {

  private static CheckpointMetadata parse(String generationParams) throws CorruptCheckpointException {
    return parse(generationParams, "\"native\"");
  }

  private static CheckpointMetadata parse(String generationParams, String thinkingMode) throws CorruptCheckpointException {
    String json = "{\"window\": 90, \"file_manifest\": {\"a.bin\": \"" + "ab".repeat(32) + "\"}, \"checkpoint_type\": \"DELTA\","
        + " \"prev_window\": 60, \"anchor_window\": 0, \"weights_hash\": \"" + "0f".repeat(16) + "\", \"env_id\": \"sat\","
        + " \"thinking_mode\": " + thinkingMode + ", \"generation_params\": " + generationParams + "}";
    return CheckpointMetadata.parse(json.getBytes(StandardCharsets.UTF_8), 90, CheckpointType.FULL);
  }

  @Test
  void generationParametersFollowPythonConversionsAndTheCap() throws Exception {
    CheckpointMetadata metadata = parse("{\"max_tokens\": \"16384\", \"temperature\": \"0.6\", \"top_p\": 1,"
        + " \"top_k\": 0, \"repetition_penalty\": 1.1}");
    assertThat(metadata.type()).isEqualTo(CheckpointType.DELTA);
    assertThat(metadata.prevWindow()).hasValue(60);
    assertThat(metadata.thinkingMode()).isEqualTo(ThinkingMode.NATIVE);
    GenerationParams params = metadata.generationParams();
    assertThat(params.maxNewTokens()).isEqualTo(8192);
    assertThat(params.publishedMaxTokens()).isEqualTo(16384);
    assertThat(params.temperature()).isEqualTo(0.6);
    assertThat(params.topK()).isEmpty();
    assertThat(parse("{\"max_tokens\": 2048.9, \"temperature\": 0.7, \"top_p\": 0.9, \"top_k\": 20.0,"
        + " \"repetition_penalty\": 1}").generationParams().maxNewTokens()).isEqualTo(2048);
    assertThat(metadata.problemsForMining()).isEmpty();
  }

  @Test
  void outOfRangeOrMalformedParametersAreNamed() throws Exception {
    assertThatThrownBy(() -> parse("{\"max_tokens\": 0, \"temperature\": 0.7, \"top_p\": 0.9, \"top_k\": 1,"
        + " \"repetition_penalty\": 1}").requireUsableForMining())
        .isInstanceOf(InvalidCheckpointMetadataException.class).hasMessageContaining("max_tokens must be > 0");
    assertThat(parse("{\"max_tokens\": 10, \"temperature\": \"NaN\", \"top_p\": 0.9, \"top_k\": 1, \"repetition_penalty\": 1}")
        .problemsForMining()).singleElement().asString().contains("temperature must be in [0.01, 2.0]");
    assertThat(parse("{\"max_tokens\": \"ten\", \"temperature\": 1, \"top_p\": 0.9, \"top_k\": 1, \"repetition_penalty\": 1}")
        .problemsForMining()).singleElement().asString().contains("max_tokens must be an int");
    assertThat(parse("{\"max_tokens\": 10, \"temperature\": 1, \"top_p\": 0.9, \"top_k\": 1001, \"repetition_penalty\": 1}")
        .problemsForMining()).singleElement().asString().contains("top_k must be in [0, 1000]");
    assertThat(parse("{}").problemsForMining()).containsExactly("generation_params is missing");
    // float() as Python reads text: underscores between digits yes, Java-only syntax ("0x1p-1", "0.9f") no
    assertThat(parse("{\"max_tokens\": 10, \"temperature\": \" 7_0e-2 \", \"top_p\": 0.9, \"top_k\": 1,"
        + " \"repetition_penalty\": 1}").generationParams().temperature()).isEqualTo(0.7);
    assertThat(parse("{\"max_tokens\": 10, \"temperature\": 1, \"top_p\": \"0x1p-1\", \"top_k\": 1, \"repetition_penalty\": 1}")
        .problemsForMining()).singleElement().asString().contains("top_p must be a float");
    assertThat(parse("{\"max_tokens\": 10, \"temperature\": 1, \"top_p\": \"0.9f\", \"top_k\": 1, \"repetition_penalty\": 1}")
        .problemsForMining()).singleElement().asString().contains("top_p must be a float");
  }

  @Test
  void theThinkingModeMustBeOneOfTheReferencesTwoSpelledExactly() throws Exception {
    String usable = "{\"max_tokens\": 10, \"temperature\": 1, \"top_p\": 0.9, \"top_k\": 1, \"repetition_penalty\": 1}";
    assertThat(parse(usable, "\"instructed\"").thinkingMode()).isEqualTo(ThinkingMode.INSTRUCTED);
    // validate_metadata compares exactly, although get_thinking_config would lower-case the value
    assertThat(parse(usable, "\"NATIVE\"").problemsForMining())
        .containsExactly("thinking_mode 'NATIVE' is not 'native' or 'instructed'");
    assertThatThrownBy(() -> parse(usable, "\"NATIVE\"").thinkingMode())
        .isInstanceOf(InvalidCheckpointMetadataException.class).hasMessage("checkpoint 90: thinking_mode 'NATIVE' is not 'native' or 'instructed'");
    assertThat(parse(usable, "null").problemsForMining()).containsExactly("thinking_mode is missing");
    assertThat(parse(usable, "\"\"").problemsForMining()).containsExactly("thinking_mode is missing");
  }

  @Test
  void structurallyBrokenMetadataIsCorrupt() {
    assertThatThrownBy(() -> CheckpointMetadata.parse("{\"window\": 30}".getBytes(StandardCharsets.UTF_8), 60,
        CheckpointType.DELTA)).isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("says window 30");
    assertThatThrownBy(() -> CheckpointMetadata.parse("{\"file_manifest\": {\"a\": \"nothex\"}}".getBytes(StandardCharsets.UTF_8),
        60, CheckpointType.DELTA)).isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("not a sha256");
    assertThatThrownBy(() -> CheckpointMetadata.parse("[1]".getBytes(StandardCharsets.UTF_8), 60, CheckpointType.FULL))
        .isInstanceOf(CorruptCheckpointException.class);
    assertThatThrownBy(() -> CheckpointFiles.resolveInside(java.nio.file.Path.of("/tmp/x"), "../etc/passwd"))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("unsafe file path");
  }
}
