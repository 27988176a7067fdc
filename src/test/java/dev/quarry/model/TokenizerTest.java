package dev.quarry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Qwen3 tokenizer through DJL, and Grail-style prompts, against transformers. */
class TokenizerTest {

  @TempDir Path temporary;

  @Test
  void vendoredTokenizerIsTheRealQwen3File() throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("/dev/quarry/model/qwen3/tokenizer.json.gz"))) {
      digest.update(in.readAllBytes());
    }
    assertThat(HexFormat.of().formatHex(digest.digest()))
        .isEqualTo("aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4");
  }

  @Test
  void encodesAndDecodesLikeTransformers() {
    Tokenizer tokenizer = TinyModels.model("qwen3").tokenizer();
    JsonNode vectors = Vectors.load("tokenizer.json");
    for (JsonNode encoding : vectors.get("encodings")) {
      String text = encoding.get("text").asText();
      int[] expected = Vectors.json().convertValue(encoding.get("ids"), int[].class);
      assertThat(tokenizer.encode(text)).as(text).containsExactly(expected);
      assertThat(tokenizer.decode(expected)).as(text).isEqualTo(encoding.get("decoded").asText());
    }
    assertThat(tokenizer.eosTokenId()).hasValue(vectors.get("eos_token_id").asInt());
    assertThat(tokenizer.padTokenId()).hasValue(vectors.get("pad_token_id").asInt());
    assertThat(tokenizer.tokenId("<|im_start|>")).hasValue(151_644);
    assertThat(tokenizer.encode("x".repeat(5000)).length).as("never truncated").isGreaterThan(512);
  }

  @Test
  void grailPromptsAreTokenExactWithApplyChatTemplate() {
    JsonNode vectors = Vectors.load("tokenizer.json");
    int checked = 0;
    for (JsonNode chat : vectors.get("chat")) {
      CausalLanguageModel model = TinyModels.model(chat.get("template").asText().equals("qwen3") ? "qwen3" : "qwen2");
      List<ChatMessage> messages = new ArrayList<>();
      for (JsonNode message : chat.get("messages")) {
        messages.add(new ChatMessage(message.get("role").asText(), message.get("content").asText()));
      }
      Map<String, Object> kwargs = Vectors.json().convertValue(chat.get("kwargs"), new TypeReference<>() {});
      String rendered = model.chatTemplate().render(messages, true, kwargs);
      assertThat(rendered).isEqualTo(chat.get("rendered").asText());
      assertThat(model.tokenizer().encode(rendered)).containsExactly(
          Vectors.json().convertValue(chat.get("ids"), int[].class));
      checked++;
    }
    assertThat(checked).isEqualTo(8);
  }

  @Test
  void chatTemplateComesFromTheCheckpoint() throws Exception {
    Path directory = temporary.resolve("ckpt");
    Files.createDirectories(directory);
    Files.writeString(directory.resolve("tokenizer_config.json"), TinyCheckpoint.vendoredTokenizerConfig());
    ChatTemplate fromConfig = ChatTemplate.load(directory, Map.of());
    assertThat(fromConfig.source()).contains("enable_thinking");
    Files.writeString(directory.resolve("chat_template.jinja"), TinyCheckpoint.CHATML_TEMPLATE);
    ChatTemplate fromJinja = ChatTemplate.load(directory, Map.of());
    assertThat(fromJinja.render(List.of(ChatMessage.user("hi")), true, Map.of()))
        .isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    Path empty = temporary.resolve("empty");
    Files.createDirectories(empty);
    assertThatThrownBy(() -> ChatTemplate.load(empty, Map.of())).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no chat template");
  }
}
