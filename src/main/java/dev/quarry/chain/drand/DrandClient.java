package dev.quarry.chain.drand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches verified quicknet beacons. For each relay in order it asks the v2 API
 * ({@code /v2/chains/{hash}/rounds/{round}}) and then the v1 API ({@code /{hash}/public/{round}});
 * the first answer that parses and verifies wins. A request that times out, fails, answers
 * non-200, or returns a beacon that does not verify is logged and the next one is tried. Requests
 * are sequential so one relay at a time sees the miner's traffic.
 *
 * <p>A "latest" beacon must also be recent: a relay serving a round older than {@code maxAge}
 * (or ahead of this machine's clock by more than two rounds) is skipped, because a stale beacon is
 * randomness everyone knew in advance.
 *
 * <p>Thread-safe; one instance per process is enough.
 */
public final class DrandClient {

  private static final Logger log = LoggerFactory.getLogger(DrandClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long ROUNDS_AHEAD_TOLERATED = 2;

  /**
   * Tuning.
   *
   * @param relays relay base URLs in the order they are tried
   * @param requestTimeout time allowed for one HTTP request
   * @param overallTimeout time allowed for the whole search across relays
   * @param maxAge how old a "latest" round may be
   */
  public record Settings(List<URI> relays, Duration requestTimeout, Duration overallTimeout, Duration maxAge) {
    public Settings {
      relays = List.copyOf(relays);
      if (relays.isEmpty()) {
        throw new IllegalArgumentException("at least one drand relay is needed");
      }
    }

    /** The public relays, 5 s per request, 20 s overall, latest rounds at most 60 s old. */
    public static Settings defaults() {
      return new Settings(Quicknet.DEFAULT_RELAYS, Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(60));
    }

    /** Defaults with the given relays (the defaults when empty) and request timeout. */
    public static Settings of(List<URI> relays, Duration requestTimeout) {
      Settings defaults = defaults();
      return new Settings(relays.isEmpty() ? defaults.relays() : relays, requestTimeout, defaults.overallTimeout(), defaults.maxAge());
    }
  }

  private final HttpClient http;
  private final Settings settings;
  private final Clock clock;

  public DrandClient(HttpClient http, Settings settings, Clock clock) {
    this.http = http;
    this.settings = settings;
    this.clock = clock;
  }

  /** A client with its own JDK {@link HttpClient} and the system clock. */
  public static DrandClient create(Settings settings) {
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(settings.requestTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    return new DrandClient(http, settings, Clock.systemUTC());
  }

  /** The latest round, verified and recent; fails with {@link DrandUnavailableException}. */
  public CompletionStage<DrandBeacon> latest() {
    return fetch(OptionalLong.empty());
  }

  /** A given round, verified; fails with {@link DrandUnavailableException}. */
  public CompletionStage<DrandBeacon> round(long round) {
    if (round < 1) {
      throw new IllegalArgumentException("drand rounds start at 1");
    }
    return fetch(OptionalLong.of(round));
  }

  private CompletionStage<DrandBeacon> fetch(OptionalLong round) {
    String roundPart = round.isPresent() ? Long.toString(round.getAsLong()) : "latest";
    List<URI> attempts = new ArrayList<>();
    for (URI relay : settings.relays()) {
      attempts.add(join(relay, "/v2/chains/" + Quicknet.CHAIN_HASH + "/rounds/" + roundPart));
      attempts.add(join(relay, "/" + Quicknet.CHAIN_HASH + "/public/" + roundPart));
    }
    Instant deadline = clock.instant().plus(settings.overallTimeout());
    return attempt(attempts, 0, round, deadline, new ArrayList<>());
  }

  private CompletionStage<DrandBeacon> attempt(
      List<URI> urls, int index, OptionalLong round, Instant deadline, List<DrandUnavailableException.Attempt> failures) {
    if (index >= urls.size()) {
      return CompletableFuture.failedFuture(new DrandUnavailableException("no drand relay returned a verified beacon", failures));
    }
    Duration remaining = Duration.between(clock.instant(), deadline);
    if (remaining.isNegative() || remaining.isZero()) {
      return CompletableFuture.failedFuture(new DrandUnavailableException(
          "gave up after " + settings.overallTimeout().toSeconds() + " s", failures));
    }
    URI url = urls.get(index);
    Duration timeout = remaining.compareTo(settings.requestTimeout()) < 0 ? remaining : settings.requestTimeout();
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Accept", "application/json")
        .header("User-Agent", "quarry-drand")
        .GET()
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle((response, error) -> {
          try {
            DrandBeacon beacon = accept(response, error, round);
            log.debug("drand round {} from {}", beacon.round(), url);
            return CompletableFuture.completedFuture(beacon);
          } catch (InvalidBeaconException rejected) {
            log.debug("drand: {} rejected: {}", url, rejected.getMessage());
            failures.add(new DrandUnavailableException.Attempt(url.toString(), rejected.getMessage()));
            return attempt(urls, index + 1, round, deadline, failures);
          }
        })
        .thenCompose(next -> next);
  }

  private DrandBeacon accept(HttpResponse<String> response, Throwable error, OptionalLong round) throws InvalidBeaconException {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof HttpTimeoutException) {
        throw new InvalidBeaconException("timed out");
      }
      if (cause instanceof IOException) {
        throw new InvalidBeaconException("request failed: " + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
      }
      throw new InvalidBeaconException("request failed: " + cause);
    }
    if (response.statusCode() != 200) {
      throw new InvalidBeaconException("HTTP " + response.statusCode());
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException notJson) {
      throw new InvalidBeaconException("answer is not JSON");
    }
    if (body == null || !body.isObject()) {
      throw new InvalidBeaconException("answer is not a JSON object");
    }
    JsonNode roundNode = body.get("round");
    if (roundNode == null || !(roundNode.canConvertToExactIntegral() || roundNode.isTextual())) {
      throw new InvalidBeaconException("answer has no round number");
    }
    long received;
    try {
      received = roundNode.isTextual() ? Long.parseLong(roundNode.asText()) : roundNode.longValue();
    } catch (NumberFormatException notANumber) {
      throw new InvalidBeaconException("answer has no round number");
    }
    JsonNode signature = body.get("signature");
    if (signature == null || !signature.isTextual()) {
      throw new InvalidBeaconException("answer has no signature");
    }
    JsonNode randomness = body.get("randomness");
    if (round.isPresent() && received != round.getAsLong()) {
      throw new InvalidBeaconException("asked for round " + round.getAsLong() + ", got round " + received);
    }
    if (round.isEmpty()) {
      checkRecent(received);
    }
    return QuicknetVerifier.verify(received, signature.asText(), randomness == null || randomness.isNull() ? null : randomness.asText());
  }

  private void checkRecent(long received) throws InvalidBeaconException {
    long current = Quicknet.roundAt(clock.instant());
    long maxAgeRounds = Math.max(1, settings.maxAge().toSeconds() / Quicknet.PERIOD_SECONDS);
    if (received < current - maxAgeRounds) {
      throw new InvalidBeaconException("latest round " + received + " is " + (current - received) * Quicknet.PERIOD_SECONDS
          + " s old by this machine's clock (stale relay, or the clock is wrong)");
    }
    if (received > current + ROUNDS_AHEAD_TOLERATED) {
      throw new InvalidBeaconException("latest round " + received + " is " + (received - current) * Quicknet.PERIOD_SECONDS
          + " s ahead of this machine's clock (check the clock)");
    }
  }

  private static URI join(URI relay, String path) {
    String base = relay.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + path);
  }
}
