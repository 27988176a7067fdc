package dev.quarry.mining.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.config.AccessKey;
import dev.quarry.env.datasets.DatasetLocations;
import dev.quarry.env.datasets.DatasetStore;
import dev.quarry.env.python.PythonWorkerSettings;
import dev.quarry.env.runtime.EnvironmentFactory;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.http.Metrics;
import dev.quarry.mining.DevicePlan;
import dev.quarry.mining.MinerSetup;
import dev.quarry.mining.MiningEvents;
import dev.quarry.mining.TrainerBucket;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A local network started by another process ({@code quarry mine --local}), joined by a worker-only
 * node ({@code quarry mine --local --join HOST:PORT}): it reads {@code DIR/network.json} for the S3
 * server and uses the miner's wallet under {@code DIR/wallets}. Such a node generates and proves;
 * the coordinator, the chain and uploads stay with the process that owns the network.
 */
public final class AttachedNetwork {

  private final ObjectStoreSettings minerBucket;
  private final ObjectStoreSettings trainerBucket;
  private final int netuid;
  private final Path directory;

  private AttachedNetwork(ObjectStoreSettings minerBucket, ObjectStoreSettings trainerBucket, int netuid, Path directory) {
    this.minerBucket = minerBucket;
    this.trainerBucket = trainerBucket;
    this.netuid = netuid;
    this.directory = directory;
  }

  /** Reads {@code DIR/network.json}; fails with what to do when the network is not running. */
  public static AttachedNetwork read(Path directory) throws IOException {
    Path file = directory.toAbsolutePath().resolve(LocalNetwork.DESCRIPTION_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException("no local network in " + directory.toAbsolutePath() + " (" + LocalNetwork.DESCRIPTION_FILE
          + " is missing): start the first node with `quarry mine --local --data-dir " + directory + "` before joining it");
    }
    JsonNode description = new ObjectMapper().readTree(file.toFile());
    URI endpoint = URI.create(description.path("s3Endpoint").asText());
    AccessKey key = AccessKey.of(description.path("s3AccessKeyId").asText(), description.path("s3SecretAccessKey").asText());
    return new AttachedNetwork(ObjectStoreSettings.forEndpoint(endpoint, description.path("minerBucket").asText(), key),
        ObjectStoreSettings.forEndpoint(endpoint, description.path("trainerBucket").asText(), key),
        description.path("netuid").asInt(81), directory.toAbsolutePath());
  }

  /** A worker-only node's setup: this network's buckets and wallet, no chain of its own. */
  public MinerSetup workerSetup(Path nodeDirectory, Metrics metrics, DevicePlan devices, MiningEvents events) {
    EnvironmentFactory environments = new EnvironmentFactory(new EnvironmentFactory.Setup(
        new DatasetStore(DatasetLocations.of(Optional.empty(), nodeDirectory.resolve("huggingface"))),
        PythonWorkerSettings.defaults(), null, "persistent", false));
    return new MinerSetup(LocalNetwork.localWallet(directory.resolve("wallets")), netuid, new NoChain(), minerBucket,
        TrainerBucket.fixed(trainerBucket), new WindowBeaconSource(null, false), environments, devices, nodeDirectory,
        nodeDirectory.resolve("checkpoints"), 3, ProtocolParameters.v5(), metrics, events, "local", false, 0);
  }
}
