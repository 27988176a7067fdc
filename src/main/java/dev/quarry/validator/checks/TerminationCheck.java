package dev.quarry.validator.checks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code termination_valid} ({@code TerminationValidator}): a completion ends either at exactly the
 * checkpoint's {@code min(max_tokens, 8192)} tokens, or with the tokenizer's EOS token whose raw
 * softmax probability at the position before it (no temperature) is at least 0.02. Longer than the
 * limit always fails.
 */
public final class TerminationCheck {

  private final int maxNewTokens;
  private final int eosTokenId;
  private final double minEosProbability;

  /**
   * @param maxNewTokens the checkpoint's {@code min(max_tokens, 8192)}
   * @param eosTokenId {@code tokenizer.eos_token_id}
   */
  public TerminationCheck(int maxNewTokens, int eosTokenId, double minEosProbability) {
    this.maxNewTokens = maxNewTokens;
    this.eosTokenId = eosTokenId;
    this.minEosProbability = minEosProbability;
  }

  /**
   * @param eosProbability {@code softmax(logits[len − 2])[eos]} from the validator's forward pass,
   *     or null when the pass did not run
   */
  public CheckResult check(RowUnderTest row, Float eosProbability) {
    int tokenCount = row.commit().tokenCount();
    if (tokenCount == 0) {
      return CheckResult.fail(Check.TERMINATION, row.index(), "no tokens");
    }
    int completionLength = row.rollout().completionLength();
    Map<String, Object> measures = new LinkedHashMap<>();
    measures.put("completion_length", completionLength);
    measures.put("max_tokens", maxNewTokens);
    if (completionLength > maxNewTokens) {
      return CheckResult.fail(Check.TERMINATION, row.index(), "completion_length " + completionLength
          + " exceeds the checkpoint's max_tokens " + maxNewTokens, measures);
    }
    if (completionLength == maxNewTokens) {
      measures.put("terminated_by", "max_tokens");
      return CheckResult.pass(Check.TERMINATION, measures);
    }
    int last = row.commit().token(tokenCount - 1);
    if (last != eosTokenId) {
      return CheckResult.fail(Check.TERMINATION, row.index(), "completion ends after " + completionLength
          + " tokens (max_tokens is " + maxNewTokens + ") with token " + last + ", not EOS " + eosTokenId, measures);
    }
    if (eosProbability == null || tokenCount < 2) {
      return CheckResult.fail(Check.TERMINATION, row.index(), "EOS probability unavailable (no logits for the position before EOS)",
          measures);
    }
    measures.put("terminated_by", "eos");
    measures.put("eos_probability", (double) eosProbability);
    if (eosProbability >= minEosProbability) {
      return CheckResult.pass(Check.TERMINATION, measures);
    }
    return CheckResult.fail(Check.TERMINATION, row.index(), String.format(java.util.Locale.ROOT,
        "EOS probability %.6g at position %d < %s (the model would rarely stop here)", eosProbability, tokenCount - 2,
        minEosProbability), measures);
  }
}
