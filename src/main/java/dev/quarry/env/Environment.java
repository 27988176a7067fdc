package dev.quarry.env;

/**
 * A Grail environment: problems from seeds, rewards for completions. Implementations are pure and
 * deterministic — a miner and a validator given the same seed build the same prompt text, and given
 * the same completion the same reward — which is what the validator's prompt and reward checks rely
 * on. Implementations must be safe to call from several threads.
 */
public interface Environment {

  /** The id used in checkpoint metadata ({@code env_id}), e.g. {@code "sat"}. */
  String id();

  /** The problem for a seed ({@code env.reset(seed=seed)}). */
  Problem problem(long seed);

  /** Scores a decoded completion ({@code env.step}) under the checkpoint's thinking mode. */
  Evaluation evaluate(Problem problem, String completion, ThinkingMode mode);
}
