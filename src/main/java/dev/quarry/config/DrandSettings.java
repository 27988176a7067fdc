package dev.quarry.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * drand use for window randomness.
 *
 * @param enabled false when the operator chose {@code --no-drand} / {@code QUARRY_DRAND=false}
 * @param relays relay base URLs in order; empty means the client's built-in public relays
 * @param requestTimeout time allowed for one HTTP request to one relay
 */
public record DrandSettings(boolean enabled, List<URI> relays, Duration requestTimeout) {
  public DrandSettings {
    relays = List.copyOf(relays);
  }

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** The same settings with drand switched off (the {@code --no-drand} flag). */
  public DrandSettings disabled() {
    return new DrandSettings(false, relays, requestTimeout);
  }
}
