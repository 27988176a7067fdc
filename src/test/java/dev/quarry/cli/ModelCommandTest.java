package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.ProofOptions;
import dev.quarry.model.ProofResult;
import dev.quarry.model.TinyModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelCommandTest {

  @TempDir Path temporary;

  private record Run(int exitCode, String out, String err) {
    JsonNode json() throws Exception {
      return JsonOutput.mapper().readTree(out);
    }
  }

  private static Run run(String... args) {
    CommandLine commandLine = Quarry.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void initTinyWritesADeterministicCheckpoint() throws Exception {
    Path out = temporary.resolve("tiny");
    Run run = run("model", "init-tiny", "--arch", "qwen3", "--out", out.toString(), "--seed", "1234");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.json().get("model_safetensors_sha256").asText())
        .isEqualTo(ModelCommand.sha256(TinyModels.checkpoint("qwen3").resolve("model.safetensors")));
    assertThat(out).isDirectoryContaining("glob:**/tokenizer.json").isDirectoryContaining("glob:**/chat_template.jinja")
        .isDirectoryContaining("glob:**/generation_config.json").isDirectoryContaining("glob:**/config.json");
    assertThat(run("model", "init-tiny", "--arch", "llama", "--out", out.toString()).err())
        .contains("unknown --arch 'llama'");
  }

  @Test
  void forwardPrintsHiddenStatesAndLogprobs() throws Exception {
    Path tokens = temporary.resolve("tokens.json");
    int[] sequence = {9707, 1879, 11, 1246, 525, 498, 30};
    Files.writeString(tokens, "[9707, 1879, 11, 1246, 525, 498, 30]");
    Run run = run("model", "forward", "--model", TinyModels.checkpoint("qwen3").toString(), "--tokens-file",
        tokens.toString(), "--prompt-len", "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("hidden_states")).hasSize(7);
    assertThat(json.get("hidden_states").get(0)).hasSize(64);
    CausalLanguageModel model = TinyModels.model("qwen3");
    ProofResult expected = model.proofForward().run(List.of(sequence), new int[] {3}, ProofOptions.miner()).get(0);
    assertThat(json.get("logprobs")).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(json.get("logprobs").get(i).get("position").asInt()).isEqualTo(3 + i);
      assertThat((float) json.get("logprobs").get(i).get("logprob").asDouble()).isEqualTo(expected.completionLogprobs()[i]);
    }
    assertThat((float) json.get("hidden_states").get(6).get(5).asDouble())
        .isEqualTo(expected.hiddenStates()[expected.hiddenStateOffset(6) + 5]);
  }

  @Test
  void generatePrintsCompletions() throws Exception {
    Run run = run("model", "generate", "--model", TinyModels.checkpoint("qwen3").toString(), "--chat", "What is 2+2?",
        "--system", "Be brief.", "--max-new-tokens", "5", "--count", "2", "--seed", "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("completions")).hasSize(2);
    assertThat(json.get("completions").get(0).get("tokens")).hasSize(5);
    assertThat(json.get("completions").get(0).get("stop_reason").asText()).isEqualTo("max_new_tokens");
    assertThat(json.get("sampling").get("topK").asInt()).isEqualTo(20);
    String prompt = TinyModels.model("qwen3").tokenizer().decode(
        JsonOutput.mapper().convertValue(json.get("prompt_tokens"), int[].class));
    assertThat(prompt).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
        + "<|im_start|>assistant\n");
  }

  @Test
  void operatorMistakesGetClearMessages() throws Exception {
    Run missing = run("model", "forward", "--model", temporary.resolve("nope").toString(), "--tokens-file",
        temporary.resolve("t").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("token file");

    Path tokens = temporary.resolve("tokens.txt");
    Files.writeString(tokens, "1 2 3");
    Run noModel = run("model", "forward", "--model", temporary.resolve("nope").toString(), "--tokens-file",
        tokens.toString());
    assertThat(noModel.exitCode()).isEqualTo(2);
    assertThat(noModel.err()).contains("does not exist");

    Files.writeString(tokens, "1 two 3");
    Run badTokens = run("model", "forward", "--model", TinyModels.checkpoint("qwen3").toString(), "--tokens-file",
        tokens.toString());
    assertThat(badTokens.exitCode()).isEqualTo(2);
    assertThat(badTokens.err()).contains("must hold a JSON array of integers");

    Run badDevice = run("model", "generate", "--model", TinyModels.checkpoint("qwen3").toString(), "--prompt", "x",
        "--device", "tpu");
    assertThat(badDevice.err()).contains("unknown device 'tpu'");
  }
}
