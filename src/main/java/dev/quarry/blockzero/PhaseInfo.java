package dev.quarry.blockzero;

/**
 * Where a block falls in the cycle: the phase service's {@code /get_phase} answer
 * ({@code PhaseResponse}), field for field.
 *
 * @param block the block asked about
 * @param cycleLength blocks per cycle (the sum of the phase lengths)
 * @param cycleIndex which cycle ({@code block / cycleLength})
 * @param cycleBlockIndex position in the cycle ({@code block % cycleLength})
 * @param phaseName the phase's wire name
 * @param phaseIndex the phase's position in the cycle
 * @param phaseStartBlock first block of this occurrence of the phase
 * @param phaseEndBlock last block of it (inclusive)
 * @param blocksIntoPhase blocks since the phase started
 * @param blocksRemainingInPhase blocks after this one until the phase ends
 */
public record PhaseInfo(long block, long cycleLength, long cycleIndex, long cycleBlockIndex, String phaseName,
    int phaseIndex, long phaseStartBlock, long phaseEndBlock, long blocksIntoPhase, long blocksRemainingInPhase) {

  /** The phase, if its name is one this miner knows. */
  public java.util.Optional<PhaseName> phase() {
    return PhaseName.fromWire(phaseName);
  }

  public boolean is(PhaseName name) {
    return phaseName.equals(name.wireName());
  }

  public BlockRange range() {
    return new BlockRange(phaseStartBlock, phaseEndBlock);
  }
}
