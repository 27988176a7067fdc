package dev.quarry.chain.drand;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * The drand quicknet chain as published at {@code /info} and pinned by Grail
 * ({@code grail/infrastructure/drand.py}): unchained BLS signatures on G1 (RFC 9380 hash-to-curve),
 * one round every 3 seconds.
 */
public final class Quicknet {

  private Quicknet() {}

  public static final String CHAIN_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";

  /** The group public key, a compressed G2 point. */
  public static final String PUBLIC_KEY =
      "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c"
          + "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb"
          + "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a";

  public static final long GENESIS_UNIX_SECONDS = 1692803367L;
  public static final long PERIOD_SECONDS = 3L;
  public static final String SCHEME = "bls-unchained-g1-rfc9380";

  /** Domain separation tag of the signature scheme (hash to G1, SHA-256, SSWU, random oracle). */
  public static final String DOMAIN_SEPARATION_TAG = "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";

  /** Public relays: Grail's three plus the two extra drand.sh hosts of its richer client. */
  public static final List<URI> DEFAULT_RELAYS = List.of(
      URI.create("https://api.drand.sh"),
      URI.create("https://api2.drand.sh"),
      URI.create("https://api3.drand.sh"),
      URI.create("https://drand.cloudflare.com"),
      URI.create("https://api.drand.secureweb3.com:6875"));

  /** The round being produced at {@code time}: 1 at genesis, 0 before it. */
  public static long roundAt(Instant time) {
    long seconds = time.getEpochSecond();
    if (seconds < GENESIS_UNIX_SECONDS) {
      return 0;
    }
    return (seconds - GENESIS_UNIX_SECONDS) / PERIOD_SECONDS + 1;
  }

  /** When {@code round} is published. */
  public static Instant timeOf(long round) {
    return Instant.ofEpochSecond(GENESIS_UNIX_SECONDS + (round - 1) * PERIOD_SECONDS);
  }
}
