package dev.quarry.validator.checks;

import java.util.Map;

/**
 * {@code tokens_valid} ({@code TokenValidator} / {@code verify_tokens}): a non-empty sequence, every
 * id in {@code [0, vocab_size)} of the validator's model config, and no longer than its context
 * ({@code max_position_embeddings}).
 */
public final class TokensCheck {

  private final int vocabularySize;
  private final int maxContextLength;

  public TokensCheck(int vocabularySize, int maxContextLength) {
    this.vocabularySize = vocabularySize;
    this.maxContextLength = maxContextLength;
  }

  public CheckResult check(RowUnderTest row) {
    int count = row.commit().tokenCount();
    if (count == 0) {
      return CheckResult.fail(Check.TOKENS, row.index(), "the token list is empty");
    }
    for (int position = 0; position < count; position++) {
      int token = row.commit().token(position);
      if (token < 0 || token >= vocabularySize) {
        return CheckResult.fail(Check.TOKENS, row.index(), "token " + token + " at position " + position
            + " is outside the model's vocabulary [0, " + vocabularySize + ")");
      }
    }
    if (count > maxContextLength) {
      return CheckResult.fail(Check.TOKENS, row.index(), count + " tokens exceed the model's context of "
          + maxContextLength);
    }
    return CheckResult.pass(Check.TOKENS, Map.of("tokens", count));
  }
}
