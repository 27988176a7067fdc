package dev.quarry.validator.checks;

import dev.quarry.storage.window.RolloutCommit;
import dev.quarry.storage.window.RolloutResult;
import dev.quarry.storage.window.RolloutRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a miner's file as the checks see it: its position in the file, the typed row, and the
 * two JSON string columns parsed as the reference's reader parses them ({@code commitments} and
 * {@code beacon}; {@code json.loads}). Build it with {@link #parse}, which fails where the reference's
 * reader fails.
 *
 * @param index the row's position in the file, from 0
 * @param commitments {@code commit.commitments} parsed (normally a list of {@code {"sketch": int}} maps)
 * @param beacon {@code commit.beacon} parsed (normally {@code {"randomness": "<hex>"}})
 */
public record RowUnderTest(int index, RolloutRow row, Object commitments, Object beacon) {

  public RowUnderTest {
    Objects.requireNonNull(row, "row");
  }

  /**
   * Parses the row's JSON columns.
   *
   * @throws IllegalArgumentException naming the column when its text is not JSON
   */
  public static RowUnderTest parse(int index, RolloutRow row) {
    Object commitments;
    Object beacon;
    try {
      commitments = JsonValues.parse(row.commit().commitmentsJson());
    } catch (IllegalArgumentException exception) {
      throw new IllegalArgumentException("row " + index + " commit.commitments is " + exception.getMessage());
    }
    try {
      beacon = JsonValues.parse(row.commit().beaconJson());
    } catch (IllegalArgumentException exception) {
      throw new IllegalArgumentException("row " + index + " commit.beacon is " + exception.getMessage());
    }
    return new RowUnderTest(index, row, commitments, beacon);
  }

  public RolloutCommit commit() {
    return row.commit();
  }

  public RolloutResult rollout() {
    return row.commit().rollout();
  }

  /** The beacon's {@code randomness} value when the beacon is an object holding a string there, else null. */
  public String beaconRandomness() {
    if (beacon instanceof Map<?, ?> map && map.get("randomness") instanceof String text) {
      return text;
    }
    return null;
  }

  /**
   * The row's {@code commit} as the reference's reader returns it ({@code _convert_row_to_inference}):
   * what the validator's group digest hashes as compact sorted JSON.
   */
  public Map<String, Object> pythonCommit() {
    RolloutCommit commit = row.commit();
    RolloutResult rollout = commit.rollout();
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("name", commit.model().name());
    model.put("layer_index", (long) commit.model().layerIndex());
    List<Object> logprobs = new ArrayList<>(rollout.tokenLogprobCount());
    for (int i = 0; i < rollout.tokenLogprobCount(); i++) {
      logprobs.add((double) rollout.tokenLogprob(i));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("total_reward", rollout.totalReward());
    result.put("advantage", rollout.advantage());
    result.put("success", rollout.success());
    result.put("token_logprobs", logprobs);
    result.put("prompt_length", (long) rollout.promptLength());
    result.put("completion_length", (long) rollout.completionLength());
    Map<String, Object> python = new LinkedHashMap<>();
    python.put("tokens", commit.tokens());
    python.put("commitments", commitments);
    python.put("proof_version", commit.proofVersion());
    python.put("model", model);
    python.put("signature", commit.signature());
    python.put("beacon", beacon);
    python.put("rollout", result);
    return python;
  }

  /** Python's {@code tokens[prompt_length:]} (a negative start counts from the end, as in Python). */
  public int[] completionTokensAsSliced() {
    int[] tokens = row.commit().tokens();
    int start = rollout().promptLength();
    if (start < 0) {
      start = Math.max(0, tokens.length + start);
    }
    start = Math.min(start, tokens.length);
    int[] completion = new int[tokens.length - start];
    System.arraycopy(tokens, start, completion, 0, completion.length);
    return completion;
  }
}
