package dev.quarry.mining.local;

import java.util.List;

/**
 * Checks a window the miner uploaded, as validators will. The embedded default runs one after
 * every window: {@link MinedWindowCheck} today; the local validator ({@code dev.quarry.validator})
 * plugs in here once it is merged, so {@code quarry mine --local} reports what a real validator
 * would decide.
 */
@FunctionalInterface
public interface WindowVerifier {

  /** The verdict on the hotkey's file for {@code windowStart} (after the window's deadline block exists). */
  Verdict verify(long windowStart);

  /**
   * @param accepted whether every check passed
   * @param rows rows in the file
   * @param groups groups in the file
   * @param recomputedGroups groups whose prompts, sketches, log-probabilities and rewards were recomputed
   * @param problems what failed, one line each
   */
  record Verdict(long windowStart, boolean accepted, int rows, int groups, int recomputedGroups, List<String> problems) {
    public Verdict {
      problems = List.copyOf(problems);
    }

    static Verdict rejected(long windowStart, String problem) {
      return new Verdict(windowStart, false, 0, 0, 0, List.of(problem));
    }
  }
}
