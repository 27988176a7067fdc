package dev.quarry.god;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
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
 * <p>Fiber never forgets a nonce; its memory grows with every request anyone sends. Here a nonce
 * is first remembered as <em>unconfirmed</em>; the caller {@linkplain #confirm confirms} it once
 * the request's signature verifies. Confirmed nonces are kept until their own timestamp has left
 * the window ({@code max(now, ts) + 120 s}, or {@code ts + 120 s} for a signed nonce from the
 * future), so a replay of anything that was answered is always refused. Unconfirmed nonces — from
 * requests nobody signed — are kept for Fiber's TTL of 120 s, and at most
 * {@code maxUnconfirmed} of them (the oldest go first), so a flood of junk can neither exhaust
 * memory nor push out the nonces that matter. Confirmed entries are capped too
 * ({@code maxConfirmed}): past it {@link #confirm} refuses, and the request must be refused, rather
 * than replay protection be weakened.
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
  public enum Outcome { ACCEPTED, REPLAYED, MALFORMED, TOO_OLD, TOO_NEW }

  /** A verdict and, when the nonce parsed, its timestamp. */
  public record Admission(Outcome outcome, Optional<BigInteger> timestampNanos) {
    public boolean accepted() {
      return outcome == Outcome.ACCEPTED;
    }
  }

  private record Expiry(long atNanos, String nonce) {}

  private final LongSupplier clock;
  private final int maxConfirmed;
  private final int maxUnconfirmed;
  /** Unconfirmed nonce → when it may be forgotten; insertion order, oldest first. */
  private final LinkedHashMap<String, Long> unconfirmed = new LinkedHashMap<>();
  /** Unconfirmed nonce → its timestamp, for {@link #confirm}. */
  private final Map<String, BigInteger> timestamps = new HashMap<>();
  private final Map<String, Long> confirmed = new HashMap<>();
  private final PriorityQueue<Expiry> confirmedQueue = new PriorityQueue<>((a, b) -> Long.compare(a.atNanos(), b.atNanos()));

  /**
   * @param clock Unix time in nanoseconds
   * @param maxConfirmed most signed nonces remembered at once (about 150 bytes each)
   * @param maxUnconfirmed most unsigned nonces remembered at once
   */
  public NonceCache(LongSupplier clock, int maxConfirmed, int maxUnconfirmed) {
    this.clock = clock;
    this.maxConfirmed = maxConfirmed;
    this.maxUnconfirmed = maxUnconfirmed;
  }

  /** A cache on the system clock: a million signed and 100 000 unsigned nonces at most. */
  public static NonceCache systemClock() {
    return new NonceCache(NonceCache::systemNanos, 1_000_000, 100_000);
  }

  /** {@code time.time_ns()}: the wall clock in Unix nanoseconds. */
  public static long systemNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Checks a nonce and remembers it (unconfirmed) as Fiber does. */
  public synchronized Admission admit(String nonce) {
    long now = clock.getAsLong();
    evictExpired(now);
    Long unconfirmedUntil = unconfirmed.get(nonce);
    if (unconfirmedUntil != null && unconfirmedUntil < now) {
      // Expired but not yet reached by the in-order sweep (only if the clock went backwards).
      unconfirmed.remove(nonce);
      timestamps.remove(nonce);
      unconfirmedUntil = null;
    }
    if (confirmed.containsKey(nonce) || unconfirmedUntil != null) {
      return new Admission(Outcome.REPLAYED, Optional.empty());
    }
    int underscore = nonce.indexOf('_');
    Optional<BigInteger> parsed = PythonInt.parse(underscore < 0 ? nonce : nonce.substring(0, underscore));
    if (parsed.isEmpty() || parsed.get().compareTo(LARGEST_TIMESTAMP) > 0) {
      return new Admission(Outcome.MALFORMED, Optional.empty());
    }
    BigInteger timestamp = parsed.get();
    BigInteger current = BigInteger.valueOf(now);
    Outcome outcome;
    if (current.subtract(timestamp).compareTo(WINDOW) > 0) {
      outcome = Outcome.TOO_OLD;
    } else if (timestamp.subtract(current).compareTo(WINDOW) > 0) {
      outcome = Outcome.TOO_NEW;
    } else {
      outcome = Outcome.ACCEPTED;
    }
    unconfirmed.put(nonce, now + WINDOW_NANOS);
    timestamps.put(nonce, timestamp);
    if (unconfirmed.size() > maxUnconfirmed) {
      String oldest = unconfirmed.keySet().iterator().next();
      unconfirmed.remove(oldest);
      timestamps.remove(oldest);
    }
    return new Admission(outcome, parsed);
  }

  /**
   * The request carrying {@code nonce} is signed by the validator: keep the nonce until its
   * timestamp has left the window (at least Fiber's 120 s TTL). Returns false when the nonce is
   * not known unconfirmed (already confirmed, or forgotten) or the confirmed cap is reached; the
   * caller must then not serve the request.
   */
  public synchronized boolean confirm(String nonce) {
    Long expiry = unconfirmed.get(nonce);
    if (expiry == null || confirmed.size() >= maxConfirmed) {
      return false;
    }
    BigInteger until = timestamps.get(nonce).add(WINDOW);
    long keepUntil = until.bitLength() < 63 ? Math.max(expiry, until.longValueExact()) : Long.MAX_VALUE;
    unconfirmed.remove(nonce);
    timestamps.remove(nonce);
    confirmed.put(nonce, keepUntil);
    confirmedQueue.add(new Expiry(keepUntil, nonce));
    return true;
  }

  /** Nonces remembered now, confirmed or not (after dropping expired ones). */
  public synchronized int size() {
    evictExpired(clock.getAsLong());
    return confirmed.size() + unconfirmed.size();
  }

  /** Confirmed nonces remembered now. */
  public synchronized int confirmedSize() {
    evictExpired(clock.getAsLong());
    return confirmed.size();
  }

  private void evictExpired(long now) {
    while (!confirmedQueue.isEmpty() && confirmedQueue.peek().atNanos() < now) {
      confirmed.remove(confirmedQueue.poll().nonce());
    }
    // Unconfirmed entries all live one TTL from admission, so with a clock that only moves forward
    // insertion order is expiry order and the sweep can stop at the first live entry.
    Iterator<Map.Entry<String, Long>> oldest = unconfirmed.entrySet().iterator();
    while (oldest.hasNext()) {
      Map.Entry<String, Long> entry = oldest.next();
      if (entry.getValue() >= now) {
        break;
      }
      timestamps.remove(entry.getKey());
      oldest.remove();
    }
  }
}
