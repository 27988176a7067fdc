package dev.quarry.storage.window;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Window rows for tests: a typical group of rollouts, and the reference file's expected rows. */
final class WindowFixtures {

  static final String HOTKEY = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

  private WindowFixtures() {}

  static WindowFile sampleWindow(int groups) {
    List<RolloutRow> rows = new ArrayList<>();
    long window = 7_209_960;
    String blockHash = "0x" + "a1".repeat(32);
    for (int group = 0; group < groups; group++) {
      for (int index = 0; index < 16; index++) {
        long nonce = group * 16L + index;
        int promptLength = 5 + group;
        int[] tokens = new int[promptLength + 32 + index];
        float[] logprobs = new float[tokens.length];
        StringBuilder sketches = new StringBuilder("[");
        for (int t = 0; t < tokens.length; t++) {
          tokens[t] = (t * 7919 + index) % 151_000;
          logprobs[t] = t < promptLength ? 0f : -0.01f * t - index / 16f;
          sketches.append(t == 0 ? "" : ", ").append("{\"sketch\": ").append((t * 104_729L) % 14_224 - 7_000).append('}');
        }
        sketches.append(']');
        RolloutResult result = new RolloutResult(index % 3 == 0 ? 1.0 : 0.0, (index % 3 == 0 ? 1.0 : 0.0) - 0.3125,
            index % 3 == 0, logprobs, promptLength, tokens.length - promptLength);
        RolloutCommit commit = new RolloutCommit(tokens, sketches.toString(), "v5", new ModelInfo("Qwen/Qwen3-0.6B", -1),
            "0f".repeat(64), "{\"randomness\": \"" + "9e".repeat(32) + "\"}", result);
        rows.add(new RolloutRow(window, window + 2, nonce, blockHash, "9e".repeat(32), true, group, index, 16,
            window - 30, commit, 1_763_811_300.25 + nonce, "|" + blockHash + "|" + nonce, HOTKEY, "7c".repeat(64)));
      }
    }
    return new WindowFile(HOTKEY, window, 30, 1_763_811_399.123456, rows);
  }

  /** A Python repr of a float from the vector file ("-inf", "1e-300", ...) as a double. */
  static double pythonFloat(String text) {
    return switch (text) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      case "nan" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  /** The reference file's rows as the reference reader returned them. */
  static List<RolloutRow> expectedReferenceRows(JsonNode vectors) {
    List<RolloutRow> rows = new ArrayList<>();
    for (JsonNode row : vectors.get("rows")) {
      JsonNode commit = row.get("commit");
      JsonNode rollout = commit.get("rollout");
      int[] tokens = new int[commit.get("tokens").size()];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = commit.get("tokens").get(i).asInt();
      }
      float[] logprobs = new float[rollout.get("token_logprobs").size()];
      for (int i = 0; i < logprobs.length; i++) {
        logprobs[i] = (float) pythonFloat(rollout.get("token_logprobs").get(i).asText());
      }
      rows.add(new RolloutRow(row.get("window_start").asLong(), row.get("block").asLong(), row.get("nonce").asLong(),
          row.get("block_hash").asText(), row.get("randomness").asText(), row.get("use_drand").asBoolean(),
          row.get("rollout_group").asLong(), row.get("rollout_index").asInt(), row.get("total_in_group").asInt(),
          row.get("checkpoint_window").asLong(),
          new RolloutCommit(tokens, commit.get("commitments").asText(), commit.get("proof_version").asText(),
              new ModelInfo(commit.get("model").get("name").asText(), commit.get("model").get("layer_index").asInt()),
              commit.get("signature").asText(), commit.get("beacon").asText(),
              new RolloutResult(pythonFloat(rollout.get("total_reward").asText()),
                  pythonFloat(rollout.get("advantage").asText()), rollout.get("success").asBoolean(), logprobs,
                  rollout.get("prompt_length").asInt(), rollout.get("completion_length").asInt())),
          pythonFloat(row.get("timestamp").asText()), row.get("challenge").asText(), row.get("hotkey").asText(),
          row.get("signature").asText()));
    }
    return rows;
  }
}
