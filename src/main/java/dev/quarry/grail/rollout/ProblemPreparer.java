package dev.quarry.grail.rollout;

import dev.quarry.env.Environment;
import dev.quarry.env.Problem;
import dev.quarry.env.ThinkingMode;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.ProblemSeeds;
import dev.quarry.model.ChatTemplate;
import dev.quarry.model.Tokenizer;
import java.util.Objects;

/**
 * Turns problem indices of one miner's window into prepared problems: seed from
 * {@code (hotkey, block hash of the window, index)}, the environment's instance for that seed, and
 * its prompt ids. The miner walks indices 0, 1, 2, …; the validator prepares the stored
 * {@code rollout_group} of a row and compares the prompt ids.
 */
public final class ProblemPreparer {

  private final Environment environment;
  private final ThinkingMode thinkingMode;
  private final ChatTemplate template;
  private final Tokenizer tokenizer;
  private final String hotkeySs58;
  private final BlockHash windowBlockHash;

  public ProblemPreparer(Environment environment, ThinkingMode thinkingMode, ChatTemplate template,
      Tokenizer tokenizer, String hotkeySs58, BlockHash windowBlockHash) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.thinkingMode = Objects.requireNonNull(thinkingMode, "thinkingMode");
    this.template = Objects.requireNonNull(template, "template");
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.hotkeySs58 = Objects.requireNonNull(hotkeySs58, "hotkeySs58");
    this.windowBlockHash = Objects.requireNonNull(windowBlockHash, "windowBlockHash");
  }

  public PreparedProblem prepare(long problemIndex) {
    long seed = ProblemSeeds.environmentSeed(hotkeySs58, windowBlockHash, problemIndex);
    Problem problem = environment.problem(seed);
    int[] prompt = GrailPrompts.promptTokens(problem, thinkingMode, template, tokenizer);
    return new PreparedProblem(problemIndex, seed, problem, prompt);
  }

  public Environment environment() {
    return environment;
  }

  public ThinkingMode thinkingMode() {
    return thinkingMode;
  }
}
