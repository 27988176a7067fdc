package dev.quarry.grail.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.env.SatEnvironment;
import dev.quarry.env.ThinkingMode;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.model.Architecture;
import dev.quarry.model.ChatTemplate;
import dev.quarry.model.TinyCheckpoint;
import dev.quarry.model.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt ids token-exact with the reference: seed → SAT problem → the reference's
 * {@code apply_chat_template} with the thinking config → the HF tokenizer, run by transformers over
 * the same tiny checkpoints (vectors/rollout/prompts.json).
 */
class GrailPromptsTest {

  @TempDir Path directory;

  @Test
  void promptIdsMatchTheReferenceInBothThinkingModes() throws Exception {
    JsonNode vectors = vectors();
    Path chatml = directory.resolve("tiny-chatml");
    TinyCheckpoint.write(chatml, Architecture.QWEN2, 4321, TinyCheckpoint.Template.CHATML);
    Path qwen3 = directory.resolve("tiny-qwen3");
    TinyCheckpoint.write(qwen3, Architecture.QWEN3, 1234, TinyCheckpoint.Template.QWEN3);

    BlockHash blockHash = BlockHash.parse(vectors.get("block_hash").asText());
    String hotkey = vectors.get("hotkey").asText();
    int checked = 0;
    for (JsonNode testCase : vectors.get("cases")) {
      Path checkpoint = testCase.get("checkpoint").asText().equals("tiny-chatml") ? chatml : qwen3;
      ThinkingMode mode = ThinkingMode.fromId(testCase.get("thinking_mode").asText());
      try (Tokenizer tokenizer = Tokenizer.load(checkpoint)) {
        ChatTemplate template = ChatTemplate.load(checkpoint, tokenizer.specialTokens());
        ProblemPreparer preparer = new ProblemPreparer(new SatEnvironment(), mode, template, tokenizer, hotkey, blockHash);
        PreparedProblem prepared = preparer.prepare(testCase.get("problem_index").asLong());

        assertThat(prepared.seed()).isEqualTo(testCase.get("seed").asLong());
        assertThat(GrailPrompts.render(prepared.problem(), mode, template)).isEqualTo(testCase.get("rendered").asText());
        int[] expected = new ObjectMapper().convertValue(testCase.get("prompt_ids"), int[].class);
        assertThat(prepared.promptTokens()).as("%s index %s", mode, testCase.get("problem_index")).containsExactly(expected);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(8);
  }

  private static JsonNode vectors() throws IOException {
    try (InputStream in = GrailPromptsTest.class.getResourceAsStream("/vectors/rollout/prompts.json")) {
      return new ObjectMapper().readTree(in);
    }
  }
}
