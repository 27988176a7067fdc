package dev.quarry.grail.rollout;

import dev.quarry.model.SamplingParameters;
import dev.quarry.storage.checkpoint.GenerationParams;

/**
 * The checkpoint's published generation parameters as the model's sampling parameters. A
 * {@code top_k} of 0 or absent means no top-k filter, as {@code GenerationParams.from_checkpoint_metadata}
 * maps it to {@code None}.
 */
public final class GrailSampling {

  private GrailSampling() {}

  public static SamplingParameters samplingParameters(GenerationParams params) {
    return new SamplingParameters(params.temperature(), params.topP(), params.topK().orElse(0),
        params.repetitionPenalty());
  }
}
