package dev.quarry.blockzero.local;

import dev.quarry.blockzero.ExpertGroups;
import dev.quarry.blockzero.PhaseSchedule;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import dev.quarry.storage.pytorch.PytorchCheckpointWriter;
import dev.quarry.storage.safetensors.SafetensorsFile;
import dev.quarry.storage.safetensors.TensorData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BlockZero subnet in one process: an in-process {@link LocalChain} producing blocks on a timer,
 * a {@link LocalPhaseService} over it and a {@link TestValidator} registered with a validator
 * permit, its axon served on chain at {@code 127.0.0.2} (subtensor refuses {@code 127.0.0.1}; the
 * whole 127/8 block is loopback on Linux). The miner's hotkey is registered too, so the model-io
 * role runs unchanged against {@link #chain()} and {@link #phaseService()}.
 */
public final class LocalNetwork implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalNetwork.class);
  /** Where the test validator listens and what it serves on chain. */
  public static final String VALIDATOR_HOST = "127.0.0.2";

  /**
   * How the local subnet runs.
   *
   * @param netuid the subnet
   * @param group the expert group the validator serves and assigns
   * @param schedule the phase lengths the phase service answers with
   * @param blockTime time per block (at least 200 ms)
   * @param validatorModel directory holding the validator's {@code model_expgroup_<group>.pt}
   * @param validatorVersion the global version the validator commits
   * @param seed the validator's assignment seed
   * @param work directory for the validator's received submissions
   */
  public record Settings(int netuid, int group, PhaseSchedule schedule, Duration blockTime, Path validatorModel, long validatorVersion,
      long seed, Path work) {}

  private final LocalChain chain;
  private final LocalPhaseService phases;
  private final TestValidator validator;
  private final Keypair validatorKey;

  private LocalNetwork(LocalChain chain, LocalPhaseService phases, TestValidator validator, Keypair validatorKey) {
    this.chain = chain;
    this.phases = phases;
    this.validator = validator;
    this.validatorKey = validatorKey;
  }

  /** Starts everything and registers {@code miner}; blocks until the validator's axon is on chain. */
  public static LocalNetwork start(ActorSystem<?> system, Settings settings, AccountId miner, AccountId minerColdkey) throws Exception {
    LocalChain chain = LocalChain.start(LocalChain.Config.defaults().withBlockTime(settings.blockTime()));
    try {
      Keypair validatorKey = SecretUri.dev("quarry-local-validator");
      chain.register(settings.netuid(), miner, minerColdkey, 1_000_000_000L).toCompletableFuture().get(10, TimeUnit.SECONDS);
      chain.register(settings.netuid(), validatorKey.accountId(), validatorKey.accountId(), 100_000_000_000L, true)
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      LocalPhaseService phases = LocalPhaseService.start(system, chain, settings.schedule(), "127.0.0.1", 0)
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      TestValidator validator = TestValidator.start(system, chain, new TestValidator.Config(validatorKey, settings.netuid(),
          settings.group(), settings.schedule(), settings.validatorModel(), settings.validatorVersion(), settings.seed(),
          settings.work().resolve("miner_submission"), Optional.empty()), VALIDATOR_HOST, 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
      chain.serveAxon(validatorKey, settings.netuid(), InetAddress.getByName(VALIDATOR_HOST), validator.address().getPort(), 4, 1)
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      LOG.info("local BlockZero subnet {}: phase service {}, validator {} at {}:{}, {} ms blocks, {}", settings.netuid(), phases.url(),
          validatorKey.ss58Address(), VALIDATOR_HOST, validator.address().getPort(), settings.blockTime().toMillis(), settings.schedule());
      return new LocalNetwork(chain, phases, validator, validatorKey);
    } catch (Exception failure) {
      chain.close();
      throw failure;
    }
  }

  /**
   * Writes a validator model for {@code group}: the base model's weights of the group's experts,
   * as {@code model_expgroup_<group>.pt} in {@code directory}.
   */
  public static Path validatorModelFromBase(Path baseModel, ExpertGroups group, Path directory) throws IOException {
    Files.createDirectories(directory);
    List<TensorData> tensors = new ArrayList<>();
    try (SafetensorsFile weights = SafetensorsFile.open(baseModel.resolve("model.safetensors"))) {
      for (String name : group.parameterNames()) {
        var info = weights.tensor(name).orElseThrow(() -> new IOException(baseModel + " has no tensor " + name));
        tensors.add(TensorData.ofFloat32(name, info.shape(), weights.readFloat32(name)));
      }
    }
    PytorchCheckpointWriter.writeStateDict(directory.resolve(group.fileName()), tensors);
    return directory;
  }

  public LocalChain chain() {
    return chain;
  }

  public URI phaseService() {
    return phases.url();
  }

  public TestValidator validator() {
    return validator;
  }

  public AccountId validatorHotkey() {
    return validatorKey.accountId();
  }

  @Override
  public void close() {
    validator.close();
    phases.stop();
    chain.close();
  }
}
