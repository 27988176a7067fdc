package dev.quarry.mining.doctor;

import ai.djl.engine.Engine;
import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainIdentity;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.drand.DrandBeacon;
import dev.quarry.chain.drand.DrandClient;
import dev.quarry.config.DeviceSettings;
import dev.quarry.config.PathSettings;
import dev.quarry.crypto.AccountId;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import dev.quarry.mining.TrainerBucket;
import dev.quarry.storage.checkpoint.CheckpointConsumer;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreException;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code quarry doctor}: everything a miner needs, checked in the order an operator fixes it —
 * the bucket (write with the write key, read back with the read key validators get, as they will),
 * the chain (reachable, hotkey registered, credentials committed), the trainer's checkpoints, drand,
 * devices and the local directories. Each check says OK, WARN (mining works, but…) or FAIL, and
 * every WARN and FAIL comes with the fix. Nothing here changes the chain; the bucket gets one small
 * probe object that is deleted again.
 */
public final class MinerDoctor {

  /** How a check went. */
  public enum Status { OK, WARN, FAIL }

  /**
   * One check.
   *
   * @param name short name ({@code chain}, {@code R2 write}, …)
   * @param detail what was found
   * @param fix what to do, for WARN and FAIL; empty for OK
   */
  public record Check(String name, Status status, String detail, String fix) {
    public static Check ok(String name, String detail) {
      return new Check(name, Status.OK, detail, "");
    }

    public static Check warn(String name, String detail, String fix) {
      return new Check(name, Status.WARN, detail, fix);
    }

    public static Check fail(String name, String detail, String fix) {
      return new Check(name, Status.FAIL, detail, fix);
    }
  }

  /**
   * What the checks use; parts that could not be built are absent (their checks then fail or are skipped).
   *
   * @param chainDescription how the chain is named in messages (its URL)
   * @param hotkey the miner's hotkey, if the wallet could be read
   * @param bucket the miner's bucket, if storage is configured
   * @param drand the drand client, or empty when drand is switched off
   * @param devices the configured devices
   * @param paths the data and cache directories
   * @param timeout time allowed for one network call
   */
  public record Inputs(int netuid, String chainDescription, Chain chain, Optional<AccountId> hotkey, Optional<ObjectStoreSettings> bucket,
      Optional<DrandClient> drand, DeviceSettings devices, PathSettings paths, Duration timeout) {}

  private static final long MIN_FREE_BYTES = 20L * 1024 * 1024 * 1024;

  private MinerDoctor() {}

  /** Runs every check. */
  public static List<Check> run(Inputs inputs) {
    List<Check> checks = new ArrayList<>();
    inputs.bucket().ifPresent(bucket -> checks.addAll(bucket(bucket)));
    boolean chainUp = false;
    try {
      ChainIdentity identity = await(inputs.chain().identity(), inputs.timeout());
      checks.add(Check.ok("chain", inputs.chainDescription() + ": " + identity.chainName() + " (" + identity.specName() + " "
          + identity.specVersion() + ")"));
      chainUp = true;
    } catch (Exception failure) {
      checks.add(Check.fail("chain", "cannot reach " + inputs.chainDescription() + ": " + message(failure),
          "check BT_NETWORK / BT_CHAIN_ENDPOINT and that this machine can open a WebSocket to it"));
    }
    if (chainUp && inputs.hotkey().isPresent()) {
      checks.add(registration(inputs));
      inputs.bucket().ifPresent(bucket -> checks.add(commitment(inputs, bucket)));
      inputs.bucket().ifPresent(bucket -> checks.add(trainer(inputs, bucket)));
    }
    checks.add(drand(inputs));
    checks.add(devices(inputs.devices()));
    checks.add(directory("data directory", inputs.paths().dataDirectory(), "QUARRY_DATA_DIR"));
    checks.add(directory("checkpoint cache", inputs.paths().checkpointCache(), "GRAIL_CACHE_DIR"));
    return checks;
  }

  /** Whether any check failed. */
  public static boolean failed(List<Check> checks) {
    return checks.stream().anyMatch(check -> check.status() == Status.FAIL);
  }

  // ------------------------------------------------------------------ bucket

  private static List<Check> bucket(ObjectStoreSettings settings) {
    List<Check> checks = new ArrayList<>();
    String bucket = settings.location().bucket();
    String probe = "grail/doctor/probe-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    byte[] content = ("quarry doctor probe " + probe).getBytes(StandardCharsets.US_ASCII);
    try (ObjectStore writer = ObjectStore.open(settings, ObjectStore.Access.WRITE)) {
      try {
        writer.put(probe, content);
        checks.add(Check.ok("R2 write", "stored a probe object in bucket " + bucket + " at " + settings.location().endpoint()));
      } catch (ObjectStoreException failure) {
        checks.add(Check.fail("R2 write", "cannot write to bucket " + bucket + ": " + failure.getMessage(), storageFix(failure, settings, true)));
        return checks;
      }
      try {
        ReadCredentialCommitment published = settings.readCommitment();
        try (ObjectStore reader = ObjectStore.open(settings.forReading(published), ObjectStore.Access.READ)) {
          byte[] back = reader.get(probe);
          checks.add(java.util.Arrays.equals(back, content)
              ? Check.ok("R2 read", "the read key (what validators get from chain) reads bucket " + published.bucketName())
              : Check.fail("R2 read", "the read key got other bytes than were written", "check that R2_ENDPOINT_URL points at one store"));
        }
      } catch (ObjectStoreException failure) {
        checks.add(Check.fail("R2 read", "validators could not read your files: " + failure.getMessage(), storageFix(failure, settings, false)));
      } catch (IllegalArgumentException unpublishable) {
        checks.add(Check.fail("R2 read", unpublishable.getMessage(), "use read credentials that fit the on-chain commitment"));
      } finally {
        try {
          writer.delete(probe);
        } catch (ObjectStoreException ignored) {
          // the probe is tiny; a failing delete is reported by nothing else worth the noise
        }
      }
    }
    return checks;
  }

  private static String storageFix(ObjectStoreException failure, ObjectStoreSettings settings, boolean write) {
    String bucket = settings.location().bucket();
    return switch (failure.reason()) {
      case NO_SUCH_BUCKET -> "create a bucket named '" + bucket + "' (the account id: validators derive the bucket name from it)"
          + " in your Cloudflare account, or fix R2_ACCOUNT_ID / R2_BUCKET_ID";
      case ACCESS_DENIED -> write
          ? "R2_WRITE_ACCESS_KEY_ID / R2_WRITE_SECRET_ACCESS_KEY are refused: create an R2 API token with Object Read & Write on bucket '"
              + bucket + "' and paste its key id and secret"
          : "R2_READ_ACCESS_KEY_ID / R2_READ_SECRET_ACCESS_KEY are refused: create an R2 API token with Object Read on bucket '"
              + bucket + "' and paste its key id and secret";
      case UNAVAILABLE -> "the endpoint " + settings.location().endpoint() + " does not answer: check R2_ACCOUNT_ID, R2_ENDPOINT_URL "
          + "and this machine's network";
      default -> "check the R2_* settings (quarry init writes them)";
    };
  }

  // ------------------------------------------------------------------ chain

  private static Check registration(Inputs inputs) {
    AccountId hotkey = inputs.hotkey().orElseThrow();
    try {
      OptionalInt uid = await(inputs.chain().uid(inputs.netuid(), hotkey), inputs.timeout());
      return uid.isPresent() ? Check.ok("registration", "hotkey " + hotkey + " is UID " + uid.getAsInt() + " on subnet " + inputs.netuid())
          : Check.fail("registration", "hotkey " + hotkey + " is not registered on subnet " + inputs.netuid(),
              "register it: btcli subnet register --netuid " + inputs.netuid() + " (validators ignore unregistered hotkeys)");
    } catch (Exception failure) {
      return Check.fail("registration", "cannot read the registration: " + message(failure), "check the chain connection");
    }
  }

  private static Check commitment(Inputs inputs, ObjectStoreSettings bucket) {
    try {
      ReadCredentialCommitment ours = bucket.readCommitment();
      Optional<Commitment> onChain = await(inputs.chain().commitment(inputs.netuid(), inputs.hotkey().orElseThrow()), inputs.timeout());
      Optional<ReadCredentialCommitment> parsed = onChain.filter(c -> !c.fields().isEmpty())
          .flatMap(c -> ReadCredentialCommitment.parse(c.fields().get(0)));
      if (parsed.isPresent() && parsed.get().equals(ours)) {
        return Check.ok("commitment", "the chain holds this bucket's read credentials (committed at block " + onChain.get().block() + ")");
      }
      return Check.warn("commitment", parsed.isPresent() ? "the chain holds other read credentials than configured"
              : "no read credentials are committed yet",
          "quarry mine commits them when it starts (one transaction signed by the hotkey); until then validators cannot read your files");
    } catch (Exception failure) {
      return Check.warn("commitment", "cannot compare the committed credentials: " + message(failure), "check the chain connection");
    }
  }

  private static Check trainer(Inputs inputs, ObjectStoreSettings bucket) {
    try {
      ObjectStoreSettings trainer = TrainerBucket.fromChain(inputs.chain(), inputs.netuid(), 0, bucket).settings();
      try (ObjectStore store = ObjectStore.open(trainer, ObjectStore.Access.READ)) {
        CheckpointConsumer consumer = new CheckpointConsumer(store, inputs.paths().checkpointCache());
        long current = await(inputs.chain().currentBlock(), inputs.timeout());
        OptionalLong checkpoint = consumer.latestReadyCheckpoint((current / 30) * 30);
        return checkpoint.isPresent()
            ? Check.ok("trainer", "bucket " + trainer.location().bucket() + ": checkpoint " + checkpoint.getAsLong() + " is READY for the current window")
            : Check.warn("trainer", "bucket " + trainer.location().bucket() + " has no READY checkpoint yet",
                "wait for the trainer to publish one; windows are skipped until then");
      }
    } catch (Exception failure) {
      return Check.fail("trainer", "cannot read the trainer's checkpoints: " + message(failure),
          "the trainer (UID 0) must have committed its bucket's read credentials; check the chain and your network");
    }
  }

  // ------------------------------------------------------------------ drand, devices, directories

  private static Check drand(Inputs inputs) {
    if (inputs.drand().isEmpty()) {
      return Check.ok("drand", "switched off (--no-drand / QUARRY_DRAND=false): windows mix the block hash alone");
    }
    try {
      DrandBeacon beacon = await(inputs.drand().get().latest(), Duration.ofSeconds(30));
      return Check.ok("drand", "quicknet round " + beacon.round() + " fetched and its BLS signature verified");
    } catch (Exception failure) {
      return Check.warn("drand", "no verified beacon: " + message(failure),
          "mining continues with the block hash alone (use_drand=false, accepted by validators); check QUARRY_DRAND_RELAYS and "
              + "outbound HTTPS, or set QUARRY_DRAND=false to stop trying");
    }
  }

  private static Check devices(DeviceSettings devices) {
    int gpus;
    try {
      gpus = Engine.getEngine("PyTorch").getGpuCount();
    } catch (RuntimeException unavailable) {
      return Check.fail("devices", "libtorch does not start: " + unavailable.getMessage(),
          "reinstall Quarry, or check PYTORCH_LIBRARY_PATH if you point it at your own libtorch");
    }
    List<DeviceSettings.Device> wanted = new ArrayList<>(devices.generation().devices());
    wanted.addAll(devices.proof().devices());
    for (DeviceSettings.Device device : wanted) {
      if (device.kind() == DeviceSettings.Device.Kind.GPU && device.index() >= gpus) {
        return Check.fail("devices", device + " is configured but libtorch sees " + gpus + " GPU(s)",
            "install DJL's CUDA natives for PyTorch and check the GPU is visible, or set QUARRY_GENERATION_DEVICES / "
                + "QUARRY_PROOF_DEVICE to devices that exist (cpu works, slowly)");
      }
    }
    String seen = gpus == 0 ? "no GPU (the CPU generates and proves)" : gpus + " GPU(s)";
    return Check.ok("devices", "libtorch sees " + seen + "; generation " + devices.generation() + ", proofs " + devices.proof());
  }

  private static Check directory(String name, Path directory, String variable) {
    try {
      Files.createDirectories(directory);
      Path probe = Files.createTempFile(directory, ".doctor", ".tmp");
      Files.delete(probe);
      long free = Files.getFileStore(directory).getUsableSpace();
      String detail = directory + " is writable, " + (free >> 30) + " GiB free";
      return free < MIN_FREE_BYTES
          ? Check.warn(name, detail, "checkpoints of real models take tens of GB: free space or point " + variable + " elsewhere")
          : Check.ok(name, detail);
    } catch (IOException failure) {
      return Check.fail(name, directory + " is not writable: " + message(failure), "create it with write permission or set " + variable);
    }
  }

  private static <T> T await(CompletionStage<T> stage, Duration timeout) throws Exception {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException wrapped) {
      throw wrapped.getCause() instanceof Exception cause ? cause : wrapped;
    } catch (TimeoutException timedOut) {
      throw new TimeoutException("no answer within " + timeout.toSeconds() + " s");
    }
  }

  private static String message(Throwable failure) {
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }
}
