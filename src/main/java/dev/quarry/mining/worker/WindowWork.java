package dev.quarry.mining.worker;

import dev.quarry.env.Environment;
import dev.quarry.env.ThinkingMode;
import dev.quarry.grail.rollout.ProblemPreparer;
import dev.quarry.grail.rollout.RolloutGroupAssembler;
import dev.quarry.grail.rollout.WindowContext;
import dev.quarry.mining.WindowPlan;
import dev.quarry.model.SamplingParameters;
import dev.quarry.model.Tokenizer;
import java.nio.file.Path;
import java.util.Set;

/**
 * One window, ready to mine on this node: the plan, the local checkpoint, the environment it names,
 * how prompts are built and groups assembled, and the sampling every device must use. Immutable and
 * shared by the window's pipeline stages.
 *
 * @param maxSequenceLength the longest prompt + completion this node generates (the model's context
 *     and {@code GRAIL_PIPELINE_MAX_MODEL_LEN}); longer problems are skipped, never clamped
 * @param stopTokens only {@code tokenizer.eos_token_id}: the validator's termination check accepts
 *     a completion that ends with it or runs to {@code maxNewTokens}, nothing else
 */
record WindowWork(
    WindowPlan plan,
    Path checkpointDirectory,
    WindowContext context,
    Environment environment,
    ThinkingMode thinkingMode,
    Tokenizer tokenizer,
    ProblemPreparer preparer,
    RolloutGroupAssembler assembler,
    SamplingParameters sampling,
    int maxNewTokens,
    Set<Integer> stopTokens,
    int maxSequenceLength,
    int groupSize,
    String hotkey) {

  long windowStart() {
    return plan.windowStart();
  }

  long checkpointWindow() {
    return plan.checkpointWindow();
  }
}
