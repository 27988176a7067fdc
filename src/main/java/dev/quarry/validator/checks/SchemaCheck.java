package dev.quarry.validator.checks;

import dev.quarry.storage.window.RolloutResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code schema_valid} ({@code SchemaValidator}: the Pydantic {@code Commit} model of
 * {@code grail/schemas/rollout.py}). Types are already guaranteed by the Parquet reader; what is left
 * are the model's constraints: at least {@code challengeK} tokens, {@code commitments} a list of
 * objects as long as {@code tokens}, {@code beacon} an object whose {@code randomness} is plain hex
 * (no {@code 0x}), {@code prompt_length ≥ 0}, {@code 0 < completion_length ≤ 8192}, and
 * {@code prompt_length + completion_length == len(tokens)}. Every violation is listed, as Pydantic
 * lists them.
 */
public final class SchemaCheck {

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

  private final int minimumTokens;
  private final int maxCompletionLength;

  public SchemaCheck(int minimumTokens, int maxCompletionLength) {
    this.minimumTokens = minimumTokens;
    this.maxCompletionLength = maxCompletionLength;
  }

  public CheckResult check(RowUnderTest row) {
    List<String> errors = new ArrayList<>();
    int tokenCount = row.commit().tokenCount();
    boolean tokensValid = tokenCount >= minimumTokens;
    if (!tokensValid) {
      errors.add("tokens has " + tokenCount + " entries, at least " + minimumTokens + " required");
    }
    // Pydantic's cross-field validators see tokens only when tokens itself validated.
    int tokensSeen = tokensValid ? tokenCount : 0;
    if (!(row.commitments() instanceof List<?> commitments)) {
      errors.add("commitments is " + describe(row.commitments()) + ", not a list");
    } else {
      boolean itemsValid = true;
      for (int i = 0; i < commitments.size(); i++) {
        if (!(commitments.get(i) instanceof Map<?, ?>)) {
          errors.add("commitments[" + i + "] is " + describe(commitments.get(i)) + ", not an object");
          itemsValid = false;
          break;
        }
      }
      if (itemsValid && commitments.size() != tokensSeen) {
        errors.add("commitments has " + commitments.size() + " entries but tokens has " + tokensSeen);
      }
    }
    if (!(row.beacon() instanceof Map<?, ?> beacon)) {
      errors.add("beacon is " + describe(row.beacon()) + ", not an object");
    } else if (!beacon.containsKey("randomness")) {
      errors.add("beacon.randomness is missing");
    } else if (!(beacon.get("randomness") instanceof String randomness)) {
      errors.add("beacon.randomness is " + describe(beacon.get("randomness")) + ", not a string");
    } else if (!HEX.matcher(randomness).matches()) {
      errors.add("beacon.randomness '" + abbreviate(randomness) + "' is not plain hex (it must match ^[0-9a-fA-F]+$, without 0x)");
    }
    RolloutResult rollout = row.rollout();
    boolean rolloutValid = true;
    if (rollout.promptLength() < 0) {
      errors.add("rollout.prompt_length is " + rollout.promptLength() + ", must be >= 0");
      rolloutValid = false;
    }
    if (rollout.completionLength() <= 0 || rollout.completionLength() > maxCompletionLength) {
      errors.add("rollout.completion_length is " + rollout.completionLength() + ", must be in 1.." + maxCompletionLength);
      rolloutValid = false;
    }
    if (rolloutValid && (long) rollout.promptLength() + rollout.completionLength() != tokensSeen) {
      errors.add("prompt_length (" + rollout.promptLength() + ") + completion_length (" + rollout.completionLength()
          + ") = " + ((long) rollout.promptLength() + rollout.completionLength()) + " but tokens has " + tokensSeen);
    }
    if (errors.isEmpty()) {
      return CheckResult.pass(Check.SCHEMA);
    }
    return CheckResult.fail(Check.SCHEMA, row.index(), String.join("; ", errors));
  }

  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return "a number";
  }

  static String abbreviate(String text) {
    return text.length() <= 20 ? text : text.substring(0, 20) + "…";
  }
}
