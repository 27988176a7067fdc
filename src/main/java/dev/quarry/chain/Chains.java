package dev.quarry.chain;

import dev.quarry.chain.local.LocalChain;
import dev.quarry.chain.subtensor.SubtensorClient;
import java.net.URI;
import java.util.Locale;

/**
 * Named Bittensor networks and a one-call way to open a {@link Chain}: {@code finney},
 * {@code test}, {@code archive}, {@code local} (a subtensor node on 127.0.0.1:9944), any
 * {@code ws://}/{@code wss://} URL, or {@code embedded} for an in-process {@link LocalChain}.
 */
public final class Chains {

  public static final URI FINNEY = URI.create("wss://entrypoint-finney.opentensor.ai:443");
  public static final URI TEST = URI.create("wss://test.finney.opentensor.ai:443");
  public static final URI ARCHIVE = URI.create("wss://archive.chain.opentensor.ai:443");
  public static final URI LOCAL = URI.create("ws://127.0.0.1:9944");
  public static final String EMBEDDED = "embedded";

  private Chains() {}

  /** The endpoint of a network name or URL; fails with a message listing the valid names. */
  public static URI endpoint(String network) {
    String name = network == null ? "finney" : network.strip();
    switch (name.toLowerCase(Locale.ROOT)) {
      case "finney":
      case "main":
      case "mainnet":
        return FINNEY;
      case "test":
      case "testnet":
        return TEST;
      case "archive":
        return ARCHIVE;
      case "local":
        return LOCAL;
      default:
        if (name.startsWith("ws://") || name.startsWith("wss://")) {
          return URI.create(name);
        }
        throw new IllegalArgumentException("unknown network '" + network
            + "': use finney, test, archive, local, embedded, or a ws:// / wss:// URL");
    }
  }

  /** Opens the chain for a network name or URL ({@code embedded} starts a default {@link LocalChain}). */
  public static Chain open(String network) {
    if (network != null && network.strip().equalsIgnoreCase(EMBEDDED)) {
      return LocalChain.start(LocalChain.Config.defaults());
    }
    return SubtensorClient.connect(endpoint(network));
  }
}
