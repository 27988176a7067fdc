package dev.quarry.storage.objectstore;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Attempts and backoff for object store calls, as the reference's uploader does them: 3 attempts,
 * delay {@code base * 2^attempt} capped (1 s base, 32 s cap; 2 s and 60 s when the store throttles
 * with SlowDown/429), then ±25 % jitter, at least 100 ms. Tests shrink the delays.
 */
public record RetryPolicy(
    int maxAttempts,
    Duration baseDelay,
    Duration maxDelay,
    Duration throttledBaseDelay,
    Duration throttledMaxDelay,
    double jitter,
    Duration minimumDelay) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1)");
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(32), Duration.ofSeconds(2),
        Duration.ofSeconds(60), 0.25, Duration.ofMillis(100));
  }

  /** Same shape, millisecond delays: for tests and the embedded loopback server. */
  public static RetryPolicy fast(int maxAttempts) {
    return new RetryPolicy(maxAttempts, Duration.ofMillis(5), Duration.ofMillis(40), Duration.ofMillis(10),
        Duration.ofMillis(80), 0.25, Duration.ofMillis(1));
  }

  /** The pause after failed attempt number {@code attempt} (0-based). */
  public Duration delayAfter(int attempt, boolean throttled) {
    Duration base = throttled ? throttledBaseDelay : baseDelay;
    Duration cap = throttled ? throttledMaxDelay : maxDelay;
    double exponential = Math.min(base.toMillis() * Math.pow(2, attempt), cap.toMillis());
    double jittered = exponential * (1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1));
    return Duration.ofMillis(Math.max(minimumDelay.toMillis(), Math.round(jittered)));
  }
}
