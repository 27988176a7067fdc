package dev.quarry.chain;

/**
 * A signed extrinsic that made it into a block and executed successfully: its hash and the block
 * (number and hash) it was included in. Failures complete the stage with a {@link ChainException}.
 */
public record Inclusion(String extrinsicHash, long blockNumber, String blockHash) {}
