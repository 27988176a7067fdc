package dev.quarry.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where the chain is and which subnet to mine. {@code endpoint} is always resolved: either
 * {@code BT_CHAIN_ENDPOINT} or the URL of the named {@code BT_NETWORK} (the same table as the
 * bittensor SDK's {@code settings.NETWORK_MAP}).
 *
 * @param network the named network, or {@code "custom"} when an explicit endpoint is configured
 * @param endpoint the WebSocket URL to connect to
 * @param netuid the subnet id
 * @param callTimeout how long one chain call may take before it is retried
 * @param callRetries how many times a failed call is retried
 */
public record ChainSettings(String network, URI endpoint, int netuid, Duration callTimeout, int callRetries) {

  /** Named networks and their public endpoints. */
  public static final Map<String, URI> NAMED_NETWORKS = Map.of(
      "finney", URI.create("wss://entrypoint-finney.opentensor.ai:443"),
      "test", URI.create("wss://test.finney.opentensor.ai:443"),
      "archive", URI.create("wss://archive.chain.opentensor.ai:443"),
      "local", URI.create("ws://127.0.0.1:9944"),
      "latent-lite", URI.create("wss://lite.sub.latent.to:443"));

  public static final int GRAIL_MAINNET_NETUID = 81;
}
