package dev.quarry.cli;

import static dev.quarry.cli.CommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.Vectors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtocolCommandTest {

  @TempDir Path directory;

  @Test
  void seedPrintsTheReferenceSeedAndNonces() {
    JsonNode vector = Vectors.load("windows_seeds_randomness.json").get("seeds").get(3);
    CommandRun run = run("protocol", "seed", "--hotkey", vector.get("hotkey").asText(), "--block-hash", vector.get("block_hash").asText(),
        "--index", vector.get("problem_index").asText());
    assertThat(run.exitCode()).isZero();
    JsonNode problem = run.json().get("problems").get(0);
    assertThat(problem.get("seed").asLong()).isEqualTo(vector.get("seed").asLong());
    assertThat(problem.get("first_nonce").asLong()).isEqualTo(vector.get("problem_index").asLong() * 16);
  }

  @Test
  void satProblemAndRewardMatchTheReference() throws IOException {
    JsonNode instance = Vectors.load("env_sat.json").get("instances").get(5);
    CommandRun problem = run("protocol", "problem", "--env", "sat", "--seed", instance.get("seed").asText(), "--thinking-mode", "native");
    assertThat(problem.exitCode()).isZero();
    assertThat(problem.json().get("user_prompt").asText()).isEqualTo(instance.get("prompt").asText());
    assertThat(problem.json().get("system_prompt").asText()).doesNotContain("start_working_out");

    JsonNode reward = Vectors.load("env_sat.json").get("rewards").get(5);
    Path completion = directory.resolve("completion.txt");
    Files.writeString(completion, reward.get("completion").asText(), StandardCharsets.UTF_8);
    CommandRun scored = run("protocol", "reward", "--env", "sat", "--seed", reward.get("seed").asText(), "--completion-file", completion.toString(),
        "--thinking-mode", reward.get("mode").asText());
    assertThat(scored.exitCode()).isZero();
    assertThat(scored.json().get("reward").asDouble()).isEqualTo(Vectors.pyFloat(reward.get("reward")));
    assertThat(scored.json().get("success").asBoolean()).isEqualTo(reward.get("success").asBoolean());
  }

  @Test
  void datasetProblemsWorkWithAndWithoutADatasetFile() throws IOException {
    JsonNode indexCase = null;
    for (JsonNode candidate : Vectors.load("env_gsm8k.json").get("index_cases")) {
      if (candidate.get("split").asText().equals("val")) {
        indexCase = candidate;
        break;
      }
    }
    CommandRun withoutData = run("protocol", "problem", "--env", "gsm8k", "--split", "val", "--seed", indexCase.get("seed").asText());
    assertThat(withoutData.exitCode()).isZero();
    assertThat(withoutData.json().get("index").asInt()).isEqualTo(indexCase.get("index").asInt());
    assertThat(withoutData.json().get("dataset_loaded").asBoolean()).isFalse();

    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 7473; i++) {
      lines.add("{\"question\": \"q" + i + "\", \"answer\": \"#### " + i + "\"}");
    }
    Path dataset = directory.resolve("gsm8k-train.jsonl");
    Files.write(dataset, lines);
    CommandRun withData = run("protocol", "problem", "--env", "gsm8k", "--split", "val", "--seed", indexCase.get("seed").asText(),
        "--dataset-file", dataset.toString());
    assertThat(withData.exitCode()).isZero();
    assertThat(withData.json().get("user_prompt").asText()).isEqualTo(indexCase.get("question").asText());

    CommandRun reward = run("protocol", "reward", "--env", "gsm8k", "--split", "val", "--seed", indexCase.get("seed").asText(),
        "--dataset-file", dataset.toString(), "--completion", "<SOLUTION>" + indexCase.get("question").asText().substring(1) + "</SOLUTION>");
    assertThat(reward.json().get("success").asBoolean()).isTrue();
  }

  private static Path fixtures() {
    try {
      return Path.of(ProtocolCommandTest.class.getResource("/datasets/hf").toURI());
    } catch (java.net.URISyntaxException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Test
  void codeEnvironmentsReadTheParquetDatasetsAndScoreInTheSandbox() throws IOException {
    Path envFile = directory.resolve("quarry.env");
    Files.writeString(envFile, "HF_HOME=" + directory.resolve("hf") + "\nQUARRY_SANDBOX_WORKERS=1\n"
        + "QUARRY_PYTHON=" + System.getenv().getOrDefault("QUARRY_TEST_PYTHON", "python3") + "\n");
    CommandRun problem = run("protocol", "problem", "--env", "humaneval", "--seed", "4", "--dataset-dir", fixtures().toString(),
        "--env-file", envFile.toString());
    assertThat(problem.exitCode()).as(problem.err()).isZero();
    assertThat(problem.json().get("user_prompt").asText()).isEqualTo("def h1():\n    \"\"\"d\"\"\"\n");
    assertThat(problem.json().get("details").get("tests").get(0).asText()).endsWith("\ncheck(h1)");

    CommandRun scored = run("protocol", "reward", "--env", "humaneval", "--seed", "4", "--dataset-dir", fixtures().toString(),
        "--env-file", envFile.toString(), "--completion", "<SOLUTION>def h1():\n    return 1</SOLUTION>");
    assertThat(scored.exitCode()).as(scored.err()).isZero();
    assertThat(scored.json().get("reward").asDouble()).isEqualTo(0.8999999999999999); // 0.7 + 0.1 + 0.1, summed as Python does
    assertThat(scored.json().get("parsed").get("tests_passed").asInt()).isEqualTo(1);

    CommandRun raising = run("protocol", "reward", "--env", "mbpp", "--split", "val", "--seed", "0", "--dataset-dir", fixtures().toString(),
        "--env-file", envFile.toString(), "--completion", "<SOLUTION>raise BaseException()</SOLUTION>");
    assertThat(raising.exitCode()).as(raising.err()).isZero();
    assertThat(raising.json().get("scorable").asBoolean()).isFalse();
    assertThat(raising.json().get("unscorable_reason").asText()).isEqualTo("reference_would_raise");

    CommandRun kernel = run("protocol", "reward", "--env", "triton_kernel", "--split", "all", "--seed", "0", "--dataset-dir", fixtures().toString(),
        "--env-file", envFile.toString(), "--completion", "<SOLUTION>import torch\nimport triton\n@triton.jit\ndef k(): pass\n"
            + "class ModelNew(torch.nn.Module): pass</SOLUTION>");
    assertThat(kernel.exitCode()).as(kernel.err()).isZero();
    assertThat(kernel.json().get("reward").asDouble()).isEqualTo(0.25); // no thinking block; the GPU part needs --gpu-eval
    assertThat(kernel.json().get("parsed").get("structure_valid").asBoolean()).isTrue();

    CommandRun noGpu = run("protocol", "reward", "--env", "triton_kernel", "--gpu-eval", "--seed", "0", "--dataset-dir", fixtures().toString(),
        "--env-file", envFile.toString(), "--completion", "x");
    assertThat(noGpu.exitCode()).isEqualTo(2);
    assertThat(noGpu.err()).contains("KERNEL_EVAL_GPU_IDS");
  }

  @Test
  void aMissingParquetDatasetStillShowsTheIndexAndHowToGetIt() throws IOException {
    Path envFile = directory.resolve("quarry.env");
    Files.writeString(envFile, "HF_HOME=" + directory.resolve("empty-hf") + "\n");
    CommandRun problem = run("protocol", "problem", "--env", "mbpp", "--split", "val", "--seed", "191", "--env-file", envFile.toString());
    assertThat(problem.exitCode()).as(problem.err()).isZero();
    assertThat(problem.json().get("index").asInt()).isEqualTo(1); // 191 mod 190
    assertThat(problem.json().get("how_to_supply").asText()).contains("quarry datasets download mbpp");
    CommandRun rejected = run("protocol", "problem", "--env", "mbpp", "--split", "test", "--seed", "1", "--env-file", envFile.toString());
    assertThat(rejected.exitCode()).isEqualTo(2);
    assertThat(rejected.err()).contains("redistributed");
  }

  @Test
  void challengeMatchesTheReferencePositions() throws IOException {
    JsonNode vector = Vectors.load("challenges.json").get("cases").get(18); // 17 + 321 tokens: the sample() set branch
    Path tokens = directory.resolve("tokens.json");
    Files.writeString(tokens, vector.get("tokens").toString());
    String randomness = vector.get("randomness").asText();
    CommandRun run = run("protocol", "challenge", "--tokens-file", tokens.toString(), "--randomness", randomness.replace("0x", ""),
        "--prompt-len", vector.get("prompt_length").asText(), "--completion-len", vector.get("completion_length").asText());
    if (randomness.startsWith("0x")) {
      assertThat(run.exitCode()).isEqualTo(2);
      return;
    }
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.json().get("positions").toString()).isEqualTo(vector.get("positions").toString());
  }

  @Test
  void sketchReadsNpyAndJsonHiddenStates() throws IOException {
    JsonNode batch = Vectors.load("sketch.json").get("batches").get(1);
    int positions = batch.get("positions").asInt();
    int hidden = batch.get("hidden_size").asInt();
    float[] values = Vectors.float32(batch.get("matrix_f32le_hex").asText());
    Path npy = directory.resolve("hidden.npy");
    Files.write(npy, npy(values, positions, hidden));
    CommandRun fromNpy = run("protocol", "sketch", "--hidden-file", npy.toString(), "--randomness", batch.get("randomness").asText(), "--detail");
    assertThat(fromNpy.exitCode()).as(fromNpy.err()).isZero();
    assertThat(fromNpy.json().get("sketches").toString()).isEqualTo(batch.get("sketches").toString());
    assertThat(fromNpy.json().get("detail")).hasSize(positions);

    StringBuilder json = new StringBuilder("[");
    for (int p = 0; p < positions; p++) {
      json.append(p == 0 ? "[" : ",[");
      for (int h = 0; h < hidden; h++) {
        json.append(h == 0 ? "" : ",").append(values[p * hidden + h]);
      }
      json.append(']');
    }
    Path jsonFile = directory.resolve("hidden.json");
    Files.writeString(jsonFile, json.append(']').toString());
    CommandRun fromJson = run("protocol", "sketch", "--hidden-file", jsonFile.toString(), "--randomness", batch.get("randomness").asText());
    assertThat(fromJson.json().get("sketches").toString()).isEqualTo(batch.get("sketches").toString());
  }

  @Test
  void advantagesAndParametersPrintJson() {
    CommandRun run = run("protocol", "advantages", "--rewards", "1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0");
    assertThat(run.exitCode()).isZero();
    assertThat(run.json().get("advantages").get(0).asDouble()).isCloseTo(Math.sqrt(15), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(run.json().get("group_check").get("valid").asBoolean()).isTrue();
    CommandRun parameters = run("protocol", "parameters");
    assertThat(parameters.json().get("proof").get("prime_q").asLong()).isEqualTo(2147483647L);
    CommandRun window = run("protocol", "window", "--block", "95");
    assertThat(window.json().get("window_start").asLong()).isEqualTo(90);
  }

  @Test
  void badInputIsAUserErrorSayingWhatToFix() throws IOException {
    CommandRun badHash = run("protocol", "seed", "--hotkey", "5Abc", "--block-hash", "0x12");
    assertThat(badHash.exitCode()).isEqualTo(2);
    assertThat(badHash.err()).contains("block hash").doesNotContain("Exception");

    CommandRun missing = run("protocol", "challenge", "--tokens-file", directory.resolve("none.json").toString(), "--randomness", "ab",
        "--prompt-len", "1", "--completion-len", "1");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");

    Path notTokens = directory.resolve("bad.txt");
    Files.writeString(notTokens, "1 2 three");
    CommandRun bad = run("protocol", "challenge", "--tokens-file", notTokens.toString(), "--randomness", "ab", "--prompt-len", "1", "--completion-len", "2");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("'three'");

    CommandRun beacon = run("protocol", "sketch", "--hidden-file", notTokens.toString(), "--randomness", "0xab");
    assertThat(beacon.exitCode()).isEqualTo(2);

    CommandRun noData = run("protocol", "reward", "--env", "math", "--seed", "1", "--completion", "x");
    assertThat(noData.exitCode()).isEqualTo(2);
    assertThat(noData.err()).contains("--dataset-file");

    CommandRun both = run("protocol", "problem", "--env", "sat", "--seed", "1", "--hotkey", "x", "--block-hash", "0x" + "1".repeat(64));
    assertThat(both.exitCode()).isEqualTo(2);
  }

  private static byte[] npy(float[] values, int positions, int hidden) {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + positions + ", " + hidden + "), }";
    int total = 10 + header.length() + 1;
    int padding = (64 - total % 64) % 64;
    header = header + " ".repeat(padding) + "\n";
    ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    buffer.putShort((short) header.length());
    buffer.put(header.getBytes(StandardCharsets.US_ASCII));
    for (float value : values) {
      buffer.putFloat(value);
    }
    return buffer.array();
  }
}
