package dev.quarry.chain.drand;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drand policy for mining: one latest beacon per window, and an explicit, logged fallback.
 * {@link #forWindow(long)} never fails: when drand is switched off it returns {@link
 * DrandOutcome.Skipped.Reason#DISABLED} without any network traffic; when no relay gives a verified
 * beacon it logs a warning naming what each relay did and returns {@link
 * DrandOutcome.Skipped.Reason#UNAVAILABLE}. The window then mines with the block hash alone and
 * its rows say {@code use_drand=false}.
 */
public final class WindowBeaconSource {

  private static final Logger log = LoggerFactory.getLogger(WindowBeaconSource.class);

  private final DrandClient client;
  private final boolean enabled;

  /**
   * @param client the client to ask; may be {@code null} when {@code enabled} is false
   * @param enabled false for {@code --no-drand}
   */
  public WindowBeaconSource(DrandClient client, boolean enabled) {
    if (enabled && client == null) {
      throw new IllegalArgumentException("drand is enabled but no client was given");
    }
    this.client = client;
    this.enabled = enabled;
  }

  public boolean enabled() {
    return enabled;
  }

  /** The outcome for the window starting at {@code windowStart}; completes normally, always. */
  public CompletionStage<DrandOutcome> forWindow(long windowStart) {
    if (!enabled) {
      return CompletableFuture.completedFuture(new DrandOutcome.Skipped(DrandOutcome.Skipped.Reason.DISABLED, "drand disabled by configuration"));
    }
    return client.latest()
        .<DrandOutcome>thenApply(beacon -> {
          log.info("window {}: drand round {} verified", windowStart, beacon.round());
          return new DrandOutcome.Verified(beacon);
        })
        .exceptionally(failure -> {
          Throwable cause = failure.getCause() != null && !(failure instanceof DrandUnavailableException) ? failure.getCause() : failure;
          log.warn("window {}: drand unavailable, mining with the block hash alone (use_drand=false): {}",
              windowStart, cause.getMessage());
          return new DrandOutcome.Skipped(DrandOutcome.Skipped.Reason.UNAVAILABLE, String.valueOf(cause.getMessage()));
        });
  }
}
