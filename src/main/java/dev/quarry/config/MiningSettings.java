package dev.quarry.config;

/**
 * Window timing for the miner.
 *
 * @param safetyBlocks blocks kept in reserve before a window ends ({@code GRAIL_MINER_SAFETY_BLOCKS})
 */
public record MiningSettings(int safetyBlocks) {}
