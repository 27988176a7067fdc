package dev.quarry.god;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Fiber 2.4.0's nonce rule ({@code fiber/miner/security/nonce_management.py}) with the memory
 * bound Fiber lacks. A nonce is {@code "<time_ns>_<anything>"}; in Fiber's order:
 *
 * <ol>
 *   <li>seen before: {@link Outcome#REPLAYED};
 *   <li>the part before the first {@code _} is not a Python integer, or exceeds 10^20:
 *       {@link Outcome#MALFORMED}, and the nonce is not remembered;
 *   <li>otherwise the nonce is remembered, even if the time check below fails;
 *   <li>more than 120 s older than now: {@link Outcome#TOO_OLD}; more than 120 s ahead:
 *       {@link Outcome#TOO_NEW}; else {@link Outcome#ACCEPTED}.
 * </ol>
 *
 * <p>Fiber never forgets a nonce. Here an entry is forgotten once it can no longer matter: an
 * accepted nonce when its own timestamp has left the window ({@code max(now, ts) + 120 s}), so a
 * replay is refused as too old from then on; a refused one after Fiber's TTL of 120 s. A nonce
 * refused as too new could become valid later; {@link #rememberSignedFutureNonce} keeps it until
 * its timestamp has left the window, which callers do only for nonces a staked validator really
 * signed, so strangers cannot make entries live long. Total entries are capped: past
 * {@link #maxEntries} new nonces are refused ({@link Outcome#CACHE_FULL}) rather than replay
 * protection weakened.
 *
 * <p>Thread-safe; every method is short and synchronized. Time comes from the injected clock in
 * Unix nanoseconds, like Python's {@code time.time_ns()}.
 */
public final class NonceCache {

  /** Fiber's {@code NONCE_WINDOW_NS}, also its TTL: 120 s. */
  public static final long WINDOW_NANOS = 120_000_000_000L;

  private static final BigInteger LARGEST_TIMESTAMP = BigInteger.TEN.pow(20);
  private static final BigInteger WINDOW = BigInteger.valueOf(WINDOW_NANOS);

  /** The verdict on one nonce. */
  public enum Outcome { ACCEPTED, REPLAYED, MALFORMED, TOO_OLD, TOO_NEW, CACHE_FULL }

  /** A verdict and, when the nonce parsed, its timestamp. */
  public record Admission(Outcome outcome, Optional<BigInteger> timestampNanos) {
    public boolean accepted() {
      return outcome == Outcome.ACCEPTED;
    }
  }

  private record Expiry(long atNanos, String nonce) {}

  private final LongSupplier clock;
  private final int maxEntries;
  private final int maxLongLivedEntries;
  private final Map<String, Long> expiries = new HashMap<>();
  private final PriorityQueue<Expiry> queue = new PriorityQueue<>((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
  private final Set<String> longLived = new HashSet<>();

  /**
   * @param clock Unix time in nanoseconds
   * @param maxEntries most nonces remembered at once (at 100 bytes or so each)
   * @param maxLongLivedEntries most signed too-new nonces kept beyond the TTL
   */
  public NonceCache(LongSupplier clock, int maxEntries, int maxLongLivedEntries) {
    this.clock = clock;
    this.maxEntries = maxEntries;
    this.maxLongLivedEntries = maxLongLivedEntries;
  }

  /** A cache on the system clock holding at most a million nonces. */
  public static NonceCache systemClock() {
    return new NonceCache(NonceCache::systemNanos, 1_000_000, 10_000);
  }

  /** {@code time.time_ns()}: the wall clock in Unix nanoseconds. */
  public static long systemNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Checks a nonce and remembers it as Fiber does. */
  public synchronized Admission admit(String nonce) {
    long now = clock.getAsLong();
    evictExpired(now);
    if (expiries.containsKey(nonce)) {
      return new Admission(Outcome.REPLAYED, Optional.empty());
    }
    int underscore = nonce.indexOf('_');
    Optional<BigInteger> parsed = PythonInt.parse(underscore < 0 ? nonce : nonce.substring(0, underscore));
    if (parsed.isEmpty() || parsed.get().compareTo(LARGEST_TIMESTAMP) > 0) {
      return new Admission(Outcome.MALFORMED, Optional.empty());
    }
    if (expiries.size() >= maxEntries) {
      return new Admission(Outcome.CACHE_FULL, parsed);
    }
    BigInteger timestamp = parsed.get();
    BigInteger current = BigInteger.valueOf(now);
    Outcome outcome;
    long keepUntil;
    if (current.subtract(timestamp).compareTo(WINDOW) > 0) {
      outcome = Outcome.TOO_OLD;
      keepUntil = now + WINDOW_NANOS;
    } else if (timestamp.subtract(current).compareTo(WINDOW) > 0) {
      outcome = Outcome.TOO_NEW;
      keepUntil = now + WINDOW_NANOS;
    } else {
      outcome = Outcome.ACCEPTED;
      keepUntil = Math.max(now, timestamp.longValueExact()) + WINDOW_NANOS;
    }
    remember(nonce, keepUntil);
    return new Admission(outcome, parsed);
  }

  /**
   * Keeps a nonce refused as {@link Outcome#TOO_NEW} until its timestamp leaves the window, so it
   * cannot be replayed once it would be fresh. Call only when its signature is valid. Beyond the
   * long-lived cap the nonce keeps the plain TTL (and the method returns false).
   */
  public synchronized boolean rememberSignedFutureNonce(String nonce, BigInteger timestampNanos) {
    Long current = expiries.get(nonce);
    if (current == null || (!longLived.contains(nonce) && longLived.size() >= maxLongLivedEntries)) {
      return false;
    }
    BigInteger until = timestampNanos.add(WINDOW);
    long keepUntil = until.bitLength() < 63 ? until.longValueExact() : Long.MAX_VALUE;
    if (keepUntil <= current) {
      return true;
    }
    expiries.put(nonce, keepUntil);
    queue.add(new Expiry(keepUntil, nonce));
    longLived.add(nonce);
    return true;
  }

  /** Nonces remembered now (after dropping expired ones). */
  public synchronized int size() {
    evictExpired(clock.getAsLong());
    return expiries.size();
  }

  private void remember(String nonce, long keepUntil) {
    expiries.put(nonce, keepUntil);
    queue.add(new Expiry(keepUntil, nonce));
  }

  private void evictExpired(long now) {
    while (!queue.isEmpty() && queue.peek().atNanos() < now) {
      Expiry expired = queue.poll();
      Long current = expiries.get(expired.nonce());
      // A nonce whose life was extended has a newer queue entry; only its last one removes it.
      if (current != null && current == expired.atNanos()) {
        expiries.remove(expired.nonce());
        longLived.remove(expired.nonce());
      }
    }
  }
}
