package dev.quarry.http;

/**
 * Supplies {@code /status}. The miner implements it by returning its latest snapshot; it is called
 * on a request thread, so it must be cheap and must not block (read an atomic reference, do not ask
 * an actor and wait).
 */
@FunctionalInterface
public interface StatusSource {
  MinerStatus current();
}
