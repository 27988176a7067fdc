package dev.quarry.mining;

import dev.quarry.chain.Chain;
import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.crypto.Keypair;
import dev.quarry.env.runtime.EnvironmentFactory;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.http.Metrics;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything one node needs to mine, built once at start-up (from the operator's settings by
 * {@code quarry mine}, or from the embedded pieces by {@code quarry mine --local}); the same code
 * runs with either. Every node of a cluster has its own, with the same hotkey and bucket.
 *
 * @param hotkey the miner's hotkey: signs every row and the credential commitment (never printed;
 *     {@link Keypair#toString()} shows only the address)
 * @param netuid the subnet
 * @param chain the chain the coordinator follows and commits to
 * @param minerBucket the miner's own bucket (uploads; its read key is what gets committed)
 * @param trainerBucket where checkpoints are read from
 * @param drand the window beacon policy
 * @param environments builds the environment a checkpoint names
 * @param devices this node's devices
 * @param dataDirectory working directory: {@code spool/} holds window files until uploaded
 * @param checkpointCache verified local checkpoints
 * @param safetyBlocks {@code GRAIL_MINER_SAFETY_BLOCKS}
 * @param protocol the protocol constants ({@link ProtocolParameters#v5()})
 * @param metrics this node's metrics
 * @param events listener for the command line and tests
 * @param version Quarry's version, for {@code /status}
 * @param commitCredentials whether the coordinator publishes the read credentials when the chain
 *     holds other ones (off only for tests that watch the chain)
 * @param problemLimit at most this many problems per window (0: as many as the timing rule allows);
 *     for benchmarks and smoke tests
 */
public record MinerSetup(
    Keypair hotkey,
    int netuid,
    Chain chain,
    ObjectStoreSettings minerBucket,
    TrainerBucket trainerBucket,
    WindowBeaconSource drand,
    EnvironmentFactory environments,
    DevicePlan devices,
    Path dataDirectory,
    Path checkpointCache,
    int safetyBlocks,
    ProtocolParameters protocol,
    Metrics metrics,
    MiningEvents events,
    String version,
    boolean commitCredentials,
    int problemLimit) {

  public MinerSetup {
    Objects.requireNonNull(hotkey, "hotkey");
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(minerBucket, "minerBucket");
    Objects.requireNonNull(trainerBucket, "trainerBucket");
    Objects.requireNonNull(drand, "drand");
    Objects.requireNonNull(environments, "environments");
    Objects.requireNonNull(devices, "devices");
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(checkpointCache, "checkpointCache");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(metrics, "metrics");
    events = events == null ? MiningEvents.NONE : events;
    version = version == null ? "development" : version;
    if (problemLimit < 0) {
      throw new IllegalArgumentException("problem limit must be >= 0, got " + problemLimit);
    }
  }

  /** Where window files wait for their upload. */
  public Path spoolDirectory() {
    return dataDirectory.resolve("spool");
  }

  public MinerSetup withEvents(MiningEvents listener) {
    return new MinerSetup(hotkey, netuid, chain, minerBucket, trainerBucket, drand, environments, devices, dataDirectory,
        checkpointCache, safetyBlocks, protocol, metrics, listener, version, commitCredentials, problemLimit);
  }

  /** The same setup on another chain and trainer bucket (tests wire a scripted node this way). */
  public MinerSetup withChain(Chain otherChain, TrainerBucket otherTrainer, boolean commit) {
    return new MinerSetup(hotkey, netuid, otherChain, minerBucket, otherTrainer, drand, environments, devices, dataDirectory,
        checkpointCache, safetyBlocks, protocol, metrics, events, version, commit, problemLimit);
  }

  /** The same setup, handing out at most {@code limit} problems per window. */
  public MinerSetup withProblemLimit(int limit) {
    return new MinerSetup(hotkey, netuid, chain, minerBucket, trainerBucket, drand, environments, devices, dataDirectory,
        checkpointCache, safetyBlocks, protocol, metrics, events, version, commitCredentials, limit);
  }
}
