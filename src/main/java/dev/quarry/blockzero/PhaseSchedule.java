package dev.quarry.blockzero;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cycle of phases with their lengths in blocks, and the three answers of the subnet owner's
 * phase service computed from a block number ({@code mycelia/sn_owner/cycle.py::PhaseManager}).
 * The miner never assumes lengths: it asks the service. This class serves the local phase service
 * and tests; the lengths it is built with are configuration.
 *
 * <p>{@link #previous(long)} is the most recent <em>completed</em> occurrence of each phase (the
 * semantics of BlockZero {@code main}); the {@code run_validator_fix} branch's rewrite answers the
 * in-progress occurrence for a phase that started before the current block, which no reader wants.
 * For completed phases both agree.
 */
public final class PhaseSchedule {

  /** One phase of the cycle. */
  public record Phase(String name, int length) {
    public Phase {
      if (length <= 0) {
        throw new IllegalArgumentException("phase " + name + " must last at least one block, got " + length);
      }
    }
  }

  /** The next occurrence of a phase: its blocks and how many blocks until it starts (0: it starts now). */
  public record Upcoming(BlockRange range, long blocksUntil) {}

  private final List<Phase> phases;
  private final long cycleLength;

  public PhaseSchedule(List<Phase> phases) {
    if (phases.isEmpty()) {
      throw new IllegalArgumentException("a cycle needs at least one phase");
    }
    this.phases = List.copyOf(phases);
    this.cycleLength = phases.stream().mapToLong(Phase::length).sum();
  }

  /**
   * The nine BlockZero phases in order with the given lengths; commit phases share one length as
   * in the reference's {@code CycleCfg.commit_period}.
   */
  public static PhaseSchedule blockZero(int distribute, int train, int commit, int submission, int validate, int merge) {
    return new PhaseSchedule(List.of(
        new Phase(PhaseName.DISTRIBUTE.wireName(), distribute),
        new Phase(PhaseName.TRAIN.wireName(), train),
        new Phase(PhaseName.MINER_COMMIT_1.wireName(), commit),
        new Phase(PhaseName.MINER_COMMIT_2.wireName(), commit),
        new Phase(PhaseName.SUBMISSION.wireName(), submission),
        new Phase(PhaseName.VALIDATE.wireName(), validate),
        new Phase(PhaseName.MERGE.wireName(), merge),
        new Phase(PhaseName.VALIDATOR_COMMIT_1.wireName(), commit),
        new Phase(PhaseName.VALIDATOR_COMMIT_2.wireName(), commit)));
  }

  public List<Phase> phases() {
    return phases;
  }

  public long cycleLength() {
    return cycleLength;
  }

  /** {@code /get_phase}: the phase {@code block} is in. */
  public PhaseInfo phaseAt(long block) {
    if (block < 0) {
      throw new IllegalArgumentException("block must not be negative, got " + block);
    }
    long cycleIndex = block / cycleLength;
    long position = block % cycleLength;
    long start = 0;
    for (int index = 0; index < phases.size(); index++) {
      Phase phase = phases.get(index);
      long end = start + phase.length();
      if (position < end) {
        long cycleStart = cycleIndex * cycleLength;
        return new PhaseInfo(block, cycleLength, cycleIndex, position, phase.name(), index, cycleStart + start,
            cycleStart + end - 1, position - start, end - position - 1);
      }
      start = end;
    }
    throw new IllegalStateException("position " + position + " beyond a cycle of " + cycleLength);
  }

  /**
   * {@code /blocks_until_next_phase}: for every phase, its next occurrence that has not started
   * before {@code block} (a phase starting at {@code block} counts, with 0 blocks to go).
   */
  public Map<String, Upcoming> upcoming(long block) {
    long position = Math.floorMod(block, cycleLength);
    long cycleStart = block - position;
    Map<String, Upcoming> result = new LinkedHashMap<>();
    long start = 0;
    for (Phase phase : phases) {
      long startBlock = start >= position ? cycleStart + start : cycleStart + cycleLength + start;
      result.put(phase.name(), new Upcoming(new BlockRange(startBlock, startBlock + phase.length() - 1), startBlock - block));
      start += phase.length();
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * {@code /previous_phase_blocks}: for every phase, its most recent occurrence that ended before
   * {@code block}. In the first cycle these ranges are negative, as the reference's are.
   */
  public Map<String, BlockRange> previous(long block) {
    long position = Math.floorMod(block, cycleLength);
    long cycleStart = block - position;
    Map<String, BlockRange> result = new LinkedHashMap<>();
    long start = 0;
    for (Phase phase : phases) {
      long end = start + phase.length() - 1;
      long startBlock = position > end ? cycleStart + start : cycleStart - cycleLength + start;
      result.put(phase.name(), new BlockRange(startBlock, startBlock + phase.length() - 1));
      start += phase.length();
    }
    return Collections.unmodifiableMap(result);
  }

  /** The phase names in order. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    phases.forEach(phase -> names.add(phase.name()));
    return names;
  }

  @Override
  public String toString() {
    return "PhaseSchedule" + phases + " (" + cycleLength + " blocks)";
  }
}
