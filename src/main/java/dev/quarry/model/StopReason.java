package dev.quarry.model;

/** Why a sequence stopped generating. */
public enum StopReason {
  /** It produced one of the stop (end-of-sequence) tokens, which is the last token of the completion. */
  EOS,
  /** It reached the maximum number of new tokens. */
  MAX_NEW_TOKENS
}
