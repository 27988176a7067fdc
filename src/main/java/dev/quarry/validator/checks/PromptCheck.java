package dev.quarry.validator.checks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code env_prompt_valid} ({@code EnvironmentPromptValidator}): the validator rebuilds the prompt
 * ids from {@code derive_env_seed(hotkey, hash(W), rollout_group)} with the checkpoint's environment,
 * thinking mode, chat template and tokenizer (the same code the miner uses), and requires
 * {@code prompt_length == len(canonical)}, the lengths to add up, and
 * {@code tokens[:prompt_length] == canonical} exactly.
 */
public final class PromptCheck {

  private PromptCheck() {}

  /**
   * @param canonicalPrompt the rebuilt prompt ids
   * @param seed the environment seed they were built from (reported)
   */
  public static CheckResult check(RowUnderTest row, int[] canonicalPrompt, long seed) {
    int promptLength = row.rollout().promptLength();
    int completionLength = row.rollout().completionLength();
    int tokenCount = row.commit().tokenCount();
    Map<String, Object> measures = new LinkedHashMap<>();
    measures.put("seed", seed);
    measures.put("prompt_length", canonicalPrompt.length);
    if (promptLength != canonicalPrompt.length) {
      return CheckResult.fail(Check.PROMPT, row.index(), "prompt_length is " + promptLength + " but the prompt rebuilt from seed "
          + seed + " (rollout_group " + row.row().rolloutGroup() + ") has " + canonicalPrompt.length
          + " tokens (check the thinking mode, chat template and tokenizer of the checkpoint)", measures);
    }
    if ((long) promptLength + completionLength != tokenCount) {
      return CheckResult.fail(Check.PROMPT, row.index(), "prompt_length " + promptLength + " + completion_length "
          + completionLength + " != " + tokenCount + " tokens", measures);
    }
    for (int position = 0; position < promptLength; position++) {
      if (row.commit().token(position) != canonicalPrompt[position]) {
        return CheckResult.fail(Check.PROMPT, row.index(), "prompt token " + position + " is " + row.commit().token(position)
            + " but the prompt rebuilt from seed " + seed + " has " + canonicalPrompt[position] + " there", measures);
      }
    }
    return CheckResult.pass(Check.PROMPT, measures);
  }

  /** The failure when the prompt cannot be rebuilt at all (the reference's validator catches it the same way). */
  public static CheckResult unavailable(RowUnderTest row, long seed, String why) {
    return CheckResult.fail(Check.PROMPT, row.index(), "cannot rebuild the prompt for seed " + seed + ": " + why);
  }
}
