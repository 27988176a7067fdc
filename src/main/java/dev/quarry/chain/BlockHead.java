package dev.quarry.chain;

/** A block on the followed chain: number, {@code "0x"}-hex hash and parent hash. */
public record BlockHead(long number, String hash, String parentHash) {}
