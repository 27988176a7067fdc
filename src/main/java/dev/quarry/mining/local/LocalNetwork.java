package dev.quarry.mining.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.chain.HeadSubscription;
import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.config.AccessKey;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.Mnemonic;
import dev.quarry.crypto.SecretUri;
import dev.quarry.crypto.wallet.KeyfileException;
import dev.quarry.crypto.wallet.WalletLoader;
import dev.quarry.env.datasets.DatasetLocations;
import dev.quarry.env.datasets.DatasetStore;
import dev.quarry.env.python.PythonWorkerSettings;
import dev.quarry.env.runtime.EnvironmentFactory;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import dev.quarry.http.Metrics;
import dev.quarry.mining.DevicePlan;
import dev.quarry.mining.MinerSetup;
import dev.quarry.mining.MiningEvents;
import dev.quarry.mining.TrainerBucket;
import dev.quarry.storage.checkpoint.PublisherSettings;
import dev.quarry.storage.objectstore.EmbeddedS3Server;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole Grail network in one process, for {@code quarry mine --local} and the tests: a local
 * chain with fast blocks, an S3 server storing objects under {@code DIR/s3/<bucket>/<key>}, the
 * trainer (UID 0) publishing the tiny model to its bucket with its read credentials committed on
 * chain, and the miner's hotkey (a btcli wallet under {@code DIR/wallets}) registered as UID 1.
 * Miners use it exactly like the real network: they find the trainer's bucket from UID 0's
 * commitment, pick checkpoints by the READY rule and upload to their own bucket.
 *
 * <p>The chain starts at block 29 with timestamps that follow the wall clock, so the first window
 * (30) begins one block after start and validators' deadline arithmetic works on real upload times.
 * Checkpoint 0 (FULL) is READY before that; during each window W the trainer publishes checkpoint W
 * (a DELTA) as READY-W, which miners use from window W + 30 on.
 */
public final class LocalNetwork implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalNetwork.class);
  /** The miner's bucket (and account id) on the embedded S3 server. */
  public static final String MINER_BUCKET = "quarry-miner";
  /** The trainer's bucket. */
  public static final String TRAINER_BUCKET = "quarry-trainer";
  /** Blocks into a window at which the trainer publishes that window's checkpoint. */
  private static final int PUBLISH_OFFSET = 3;

  /**
   * @param dataDirectory everything lives under it: {@code s3/}, {@code wallets/}, {@code trainer/}, {@code node-*}
   * @param blockTime local block time (at least 200 ms)
   * @param netuid the subnet the miner is registered on
   * @param maxTokens the trainer's {@code generation_params.max_tokens} (small: a tiny model on a CPU)
   * @param seed seeds the chain's hashes and the tiny model's weights
   */
  public record Settings(Path dataDirectory, Duration blockTime, int netuid, int maxTokens, long seed, boolean manualBlocks,
      boolean trainEveryWindow) {
    public static Settings defaults(Path dataDirectory) {
      return new Settings(dataDirectory, Duration.ofMillis(500), 81, 40, 7, false, true);
    }

    public Settings withBlockTime(Duration value) {
      return new Settings(dataDirectory, value, netuid, maxTokens, seed, manualBlocks, trainEveryWindow);
    }

    public Settings withMaxTokens(int value) {
      return new Settings(dataDirectory, blockTime, netuid, value, seed, manualBlocks, trainEveryWindow);
    }

    /** Blocks only when the caller advances the chain, and only checkpoint 0 (for benchmarks). */
    public Settings manual() {
      return new Settings(dataDirectory, blockTime, netuid, maxTokens, seed, true, false);
    }
  }

  private final Settings settings;
  private volatile EmbeddedS3Server s3;
  private final AccessKey s3Key;
  private final LocalChain chain;
  private final Keypair minerHotkey;
  private final Keypair trainerHotkey;
  private final ObjectStore trainerStore;
  private final LocalTrainer trainer;
  private final ExecutorService trainerThread;
  private final HeadSubscription trainerSchedule;

  private LocalNetwork(Settings settings, EmbeddedS3Server s3, AccessKey s3Key, LocalChain chain, Keypair minerHotkey,
      Keypair trainerHotkey, ObjectStore trainerStore, LocalTrainer trainer, ExecutorService trainerThread) {
    this.settings = settings;
    this.s3 = s3;
    this.s3Key = s3Key;
    this.chain = chain;
    this.minerHotkey = minerHotkey;
    this.trainerHotkey = trainerHotkey;
    this.trainerStore = trainerStore;
    this.trainer = trainer;
    this.trainerThread = trainerThread;
    this.trainerSchedule = chain.subscribeHeads(head -> {
      long window = (head.number() / 30) * 30;
      if (settings.trainEveryWindow() && head.number() % 30 == PUBLISH_OFFSET && window > trainer.lastPublished()) {
        trainerThread.submit(() -> {
          try {
            trainer.publish(window, window);
          } catch (IOException | RuntimeException failure) {
            LOG.error("local trainer: checkpoint-{} failed: {}", window, failure.toString());
          }
        });
      }
    });
  }

  /** Starts the S3 server, the chain and the trainer, registers both hotkeys and publishes checkpoint 0. */
  public static LocalNetwork start(Settings settings) throws IOException {
    Path root = settings.dataDirectory().toAbsolutePath();
    Files.createDirectories(root);
    SecureRandom random = new SecureRandom();
    AccessKey key = AccessKey.of("quarry" + HexFormat.of().formatHex(random.generateSeed(8)),
        HexFormat.of().formatHex(random.generateSeed(20)));
    EmbeddedS3Server s3 = EmbeddedS3Server.start(root, key);
    LocalChain chain = null;
    ObjectStore trainerStore = null;
    ExecutorService trainerThread = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "quarry-local-trainer");
      thread.setDaemon(true);
      return thread;
    });
    try {
      s3.createBucket(MINER_BUCKET);
      s3.createBucket(TRAINER_BUCKET);
      Keypair miner = localWallet(root.resolve("wallets"));
      Keypair trainerKey = SecretUri.dev("Alice");
      trainerStore = ObjectStore.open(s3.settings(TRAINER_BUCKET), ObjectStore.Access.WRITE);
      LocalTrainer trainer = new LocalTrainer(trainerStore, trainerSettings(settings.maxTokens()), root.resolve("trainer"),
          settings.seed());
      trainer.publish(0, 0);
      // Block 29 "now", so blocks keep pace with the wall clock and window 30 starts one block after start.
      Instant genesis = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(settings.blockTime().multipliedBy(29));
      chain = LocalChain.start(new LocalChain.Config(settings.seed(), settings.blockTime(), genesis, !settings.manualBlocks(), 50, 64));
      chain.advance(29).toCompletableFuture().get(10, TimeUnit.SECONDS);
      chain.register(settings.netuid(), trainerKey.accountId(), trainerKey.accountId(), 1_000_000_000_000L, true)
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      chain.register(settings.netuid(), miner.accountId(), miner.accountId(), 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
      chain.putCommitment(settings.netuid(), trainerKey.accountId(),
              ReadCredentialCommitment.of(TRAINER_BUCKET, key.accessKeyId(), key.secretAccessKey().reveal()).bytes())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      writeDescription(root, s3, key, settings);
      LOG.info("local network: chain at block {}, S3 at {} (objects under {}), miner {}", chain.headNumber(), s3.endpoint(),
          s3.root(), miner.ss58Address());
      return new LocalNetwork(settings, s3, key, chain, miner, trainerKey, trainerStore, trainer, trainerThread);
    } catch (IOException | RuntimeException exception) {
      closeQuietly(chain, trainerStore, s3, trainerThread);
      throw exception;
    } catch (Exception exception) {
      closeQuietly(chain, trainerStore, s3, trainerThread);
      throw new IOException("cannot start the local network: " + exception.getMessage(), exception);
    }
  }

  /** The file other processes read to join this network as worker nodes ({@link AttachedNetwork}). */
  public static final String DESCRIPTION_FILE = "network.json";

  /**
   * Writes {@code DIR/network.json}: the S3 endpoint and its key (local test credentials, mode 600),
   * the bucket names and the subnet, so worker-only nodes in other processes can join.
   */
  private static void writeDescription(Path root, EmbeddedS3Server s3, AccessKey key, Settings settings) throws IOException {
    ObjectNode description = new ObjectMapper().createObjectNode()
        .put("s3Endpoint", s3.endpoint().toString())
        .put("s3AccessKeyId", key.accessKeyId())
        .put("s3SecretAccessKey", key.secretAccessKey().reveal())
        .put("minerBucket", MINER_BUCKET)
        .put("trainerBucket", TRAINER_BUCKET)
        .put("netuid", settings.netuid())
        .put("blockTimeMillis", settings.blockTime().toMillis());
    Path file = root.resolve(DESCRIPTION_FILE);
    Path temporary = Files.createTempFile(root, ".network", ".json",
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temporary, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(description));
    Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The reference trainer's publishing defaults for SAT, with a short {@code max_tokens}. */
  static PublisherSettings trainerSettings(int maxTokens) {
    ObjectNode generation = new ObjectMapper().createObjectNode()
        .put("max_tokens", maxTokens)
        .put("temperature", 0.7)
        .put("top_p", 0.9)
        .put("top_k", 50)
        .put("repetition_penalty", 1.0);
    return PublisherSettings.defaults("sat").withGenerationParams(generation);
  }

  /** The miner's hotkey: {@code DIR/wallets/local/hotkeys/miner}, created on first use. */
  static Keypair localWallet(Path wallets) {
    WalletLoader loader = new WalletLoader(wallets, Map.of());
    try {
      return loader.wallet("local", "miner").hotkey();
    } catch (KeyfileException | java.io.UncheckedIOException missing) {
      return loader.createHotkey("local", "miner", Mnemonic.generate(12, new SecureRandom()), false).hotkey();
    }
  }

  public Settings settings() {
    return settings;
  }

  public LocalChain chain() {
    return chain;
  }

  public EmbeddedS3Server s3() {
    return s3;
  }

  /** The key pair every local bucket is written and read with (local test credentials). */
  public AccessKey serverKey() {
    return s3Key;
  }

  public Keypair minerHotkey() {
    return minerHotkey;
  }

  public Keypair trainerHotkey() {
    return trainerHotkey;
  }

  public int netuid() {
    return settings.netuid();
  }

  public LocalTrainer trainer() {
    return trainer;
  }

  /** The miner's bucket (the server's one key pair reads and writes). */
  public ObjectStoreSettings minerBucket() {
    return s3.settings(MINER_BUCKET);
  }

  /** Stops the S3 server (an outage: every bucket call fails until {@link #startStorage()}). */
  public synchronized void stopStorage() {
    s3.close();
    LOG.warn("local network: S3 server stopped");
  }

  /** Starts the S3 server again on the same port, with the same objects. */
  public synchronized void startStorage() throws IOException {
    s3 = EmbeddedS3Server.start(settings.dataDirectory().toAbsolutePath(), s3Key, s3.endpoint().getPort());
  }

  /** Where {@code DIR/s3/<bucket>/<key>} objects are. */
  public Path objectRoot() {
    return s3.root();
  }

  /**
   * Everything one node of the local network needs: the miner's hotkey, the chain, the buckets
   * (the trainer's found from chain as on the real network), the tiny model on the CPU.
   *
   * @param nodeDirectory this node's spool and checkpoint cache
   */
  public MinerSetup minerSetup(Path nodeDirectory, Metrics metrics, WindowBeaconSource drand, DevicePlan devices,
      MiningEvents events) {
    EnvironmentFactory environments = new EnvironmentFactory(new EnvironmentFactory.Setup(
        new DatasetStore(DatasetLocations.of(Optional.empty(), nodeDirectory.resolve("huggingface"))),
        PythonWorkerSettings.defaults(), null, "persistent", false));
    return new MinerSetup(minerHotkey, settings.netuid(), chain, minerBucket(),
        TrainerBucket.fromChain(chain, settings.netuid(), ProtocolParameters.v5().incentive().trainerUid(), minerBucket()),
        drand, environments, devices, nodeDirectory, nodeDirectory.resolve("checkpoints"), 3, ProtocolParameters.v5(), metrics,
        events, "local", true, 0);
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(settings.dataDirectory().toAbsolutePath().resolve(DESCRIPTION_FILE));
    } catch (IOException ignored) {
      LOG.debug("could not remove {}", DESCRIPTION_FILE);
    }
    trainerSchedule.close();
    closeQuietly(chain, trainerStore, s3, trainerThread);
  }

  private static void closeQuietly(LocalChain chain, ObjectStore store, EmbeddedS3Server s3, ExecutorService thread) {
    thread.shutdownNow();
    if (chain != null) {
      chain.close();
    }
    if (store != null) {
      store.close();
    }
    s3.close();
  }
}
