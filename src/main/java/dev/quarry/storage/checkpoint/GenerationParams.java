package dev.quarry.storage.checkpoint;

import java.util.OptionalInt;

/**
 * Sampling parameters a checkpoint prescribes ({@code generation_params} in its metadata), after
 * the reference's trust-boundary checks ({@code GenerationParams.from_checkpoint_metadata}):
 * {@code maxNewTokens = min(max_tokens, 8192)}, temperature in [0.01, 2], top_p in [0, 1], top_k in
 * [0, 1000] with 0 meaning no top-k, repetition_penalty in [1, 2]. Validators cap completions at
 * the same {@code maxNewTokens}, so generation must use exactly this value.
 */
public record GenerationParams(
    int maxNewTokens,
    double temperature,
    double topP,
    OptionalInt topK,
    double repetitionPenalty,
    long publishedMaxTokens) {

  /** {@code MAX_NEW_TOKENS_PROTOCOL_CAP}. */
  public static final int MAX_NEW_TOKENS_CAP = 8192;
}
