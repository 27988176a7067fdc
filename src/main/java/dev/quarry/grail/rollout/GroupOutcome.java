package dev.quarry.grail.rollout;

import dev.quarry.storage.window.RolloutRow;
import java.util.List;
import java.util.Objects;

/** What became of one problem's group: 16 signed rows, or dropped with the reason. */
public sealed interface GroupOutcome permits GroupOutcome.Assembled, GroupOutcome.Dropped {

  long problemIndex();

  /** A complete, signed group, ready for the window file. */
  record Assembled(long problemIndex, List<RolloutRow> rows) implements GroupOutcome {
    public Assembled {
      rows = List.copyOf(rows);
    }

    /** Completion tokens over the group, for throughput figures. */
    public long completionTokens() {
      return rows.stream().mapToLong(row -> row.commit().rollout().completionLength()).sum();
    }
  }

  /**
   * A group the miner does not upload, because one bad rollout fails the validator's group checks
   * for the whole group (and so the whole file).
   */
  record Dropped(long problemIndex, DropReason reason, String detail) implements GroupOutcome {
    public Dropped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Why a group was dropped; counted per reason in metrics and status. */
  enum DropReason {
    /** The prompt plus {@code max_new_tokens} does not fit the model's context (never clamped). */
    PROMPT_TOO_LONG,
    /** A completion is shorter than the 32 challenged positions the validator needs. */
    SHORT_COMPLETION,
    /** Generation failed (device error, out of memory, …). */
    GENERATION_FAILED,
    /** The proof pass failed or returned unusable numbers (e.g. non-finite logprobs). */
    PROOF_FAILED,
    /** The environment could not score a completion (infrastructure error, not a wrong answer). */
    EVALUATION_FAILED,
    /** The window ended before the group finished. */
    DEADLINE
  }
}
