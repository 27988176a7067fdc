package dev.quarry.god;

import dev.quarry.chain.Chain;
import dev.quarry.chain.Inclusion;
import dev.quarry.crypto.Keypair;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Posting the miner's address on chain, as {@code fiber-post-ip} does
 * ({@code fiber/chain/post_ip_to_chain.py}): {@code SubtensorModule.serve_axon} signed by the
 * hotkey, with Fiber's fixed {@code version = 1} and {@code protocol = 4}; the IP goes on chain as
 * its integer value with {@code ip_type} 4 or 6. Validators then call
 * {@code http://<ip>:<port>/training_repo/<type>}.
 */
public final class GodAxon {

  /** What Fiber posts as {@code version} ("I don't know why we even post this"). */
  public static final long FIBER_VERSION = 1;
  /** What Fiber posts as {@code protocol}. */
  public static final int FIBER_PROTOCOL = 4;

  private GodAxon() {}

  /** Submits {@code serve_axon}; completes when it is in a block and succeeded. */
  public static CompletionStage<Inclusion> post(Chain chain, Keypair hotkey, int netuid, InetAddress ip, int port) {
    if (port < 1 || port > 65535) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("port " + port + " is not 1 to 65535"));
    }
    return chain.serveAxon(hotkey, netuid, ip, port, FIBER_PROTOCOL, FIBER_VERSION);
  }

  /** Why validators on the internet could not reach {@code ip}, if they could not. */
  public static Optional<String> reachabilityWarning(InetAddress ip) {
    if (ip.isAnyLocalAddress()) {
      return Optional.of(ip.getHostAddress() + " is the wildcard address, not an address validators can connect to");
    }
    if (ip.isLoopbackAddress()) {
      return Optional.of(ip.getHostAddress() + " is a loopback address; only this machine can reach it");
    }
    if (ip.isSiteLocalAddress() || ip.isLinkLocalAddress()) {
      return Optional.of(ip.getHostAddress() + " is a private address; validators on the internet cannot reach it "
          + "(post the public IP and forward the port)");
    }
    return Optional.empty();
  }
}
