package dev.quarry.http;

import java.util.function.Supplier;

/**
 * Whether the node can do its job now ({@code /ready}), with a reason an operator can act on, e.g.
 * "waiting for the first checkpoint" or "chain unreachable for 45 s".
 */
public record Readiness(boolean ready, String reason) {

  public static Readiness ready(String reason) {
    return new Readiness(true, reason);
  }

  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }

  /** A check that always answers ready; for commands with nothing to wait for. */
  public static Supplier<Readiness> always() {
    return () -> ready("ready");
  }
}
