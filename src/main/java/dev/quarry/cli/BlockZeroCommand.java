package dev.quarry.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.quarry.blockzero.BlockZeroSettings;
import dev.quarry.blockzero.ExpertGroups;
import dev.quarry.blockzero.ModelHash;
import dev.quarry.blockzero.PhaseSchedule;
import dev.quarry.blockzero.checkpoints.CheckpointStore;
import dev.quarry.blockzero.local.LocalNetwork;
import dev.quarry.blockzero.miner.ModelIoDaemon;
import dev.quarry.blockzero.training.StepReport;
import dev.quarry.blockzero.training.TrainerActor;
import dev.quarry.chain.Chain;
import dev.quarry.config.ClusterConfiguration;
import dev.quarry.config.ConfigurationError;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.wallet.KeyfileException;
import dev.quarry.http.ManagementServer;
import dev.quarry.http.Metrics;
import dev.quarry.http.MinerStatus;
import dev.quarry.http.Readiness;
import dev.quarry.storage.pytorch.PytorchCheckpoint;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quarry blockzero …}: the BlockZero miner's two roles, {@code train} and {@code model-io},
 * which share one hotkey's checkpoint directory as in the reference, plus {@code hash} (the model
 * hash of a {@code .pt} file). Both roles stop gracefully on Ctrl-C or SIGTERM (Pekko's
 * CoordinatedShutdown): the trainer writes a checkpoint of unsaved steps, model-io lets a
 * commitment in flight land and saves what it committed. The work is done by
 * {@code dev.quarry.blockzero}.
 */
@Command(
    name = "blockzero",
    mixinStandardHelpOptions = true,
    description = "BlockZero miner: expert-group training (train) and the phase-aware model I/O daemon (model-io).",
    subcommands = {BlockZeroCommand.Train.class, BlockZeroCommand.ModelIo.class, BlockZeroCommand.Hash.class})
public final class BlockZeroCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Settings read the way both roles read them. */
  record Loaded(QuarrySettings quarry, BlockZeroSettings blockzero) {}

  /** Options shared by the roles. */
  static final class Settings {
    @Option(names = "--env-file", defaultValue = ".env", description = "Settings file (default: ${DEFAULT-VALUE}; missing is fine unless given).")
    Path envFile;

    @Spec(Spec.Target.MIXEE) CommandSpec spec;

    Loaded load() {
      boolean explicit = spec.commandLine().getParseResult().hasMatchedOption("--env-file");
      try {
        OperatorEnvironment environment = OperatorEnvironment.load(envFile, explicit, System.getenv());
        QuarrySettings quarry = QuarrySettings.from(environment);
        return new Loaded(quarry, BlockZeroSettings.from(environment, quarry));
      } catch (ConfigurationError problems) {
        throw new UserError("the BlockZero miner cannot start:\n" + problems.getMessage());
      }
    }
  }

  static CheckpointStore store(Loaded loaded) {
    BlockZeroSettings settings = loaded.blockzero();
    return new CheckpointStore(settings.root(), loaded.quarry().wallet().coldkey(), loaded.quarry().wallet().hotkey(), settings.run(),
        settings.expertGroup(), settings.checkpointKeep());
  }

  /**
   * An actor system whose CoordinatedShutdown (run by the JVM shutdown hook on SIGTERM) gives the
   * roles time: a training step or a commitment may take minutes.
   */
  static ActorSystem<Void> system(QuarrySettings quarry) {
    Config config = ConfigFactory.parseString("pekko.actor.provider = local\n"
            + "pekko.coordinated-shutdown.phases.service-requests-done.timeout = 15m\n")
        .withFallback(ClusterConfiguration.load(quarry.node()));
    return ActorSystem.create(Behaviors.empty(), config.getString("quarry.actor-system-name"), config);
  }

  static ManagementServer management(ActorSystem<?> system, Metrics metrics, java.util.function.Supplier<MinerStatus> status,
      java.util.function.Supplier<Readiness> readiness) {
    return GodCommand.await(ManagementServer.start(system, ManagementServer.Settings.fromConfig(system.settings().config()),
        status::get, readiness, metrics), Duration.ofSeconds(30), "starting the management endpoint");
  }

  // ---- train -----------------------------------------------------------------------------------

  /** {@code quarry blockzero train}. */
  @Command(name = "train", mixinStandardHelpOptions = true,
      description = {"Train this hotkey's expert group and write checkpoints model-io commits (QUARRY_BLOCKZERO_MODEL, _EXPERT_ASSIGNMENT,",
          "_DATASET, ...). Switches to the validators' newer weights when model-io downloads them. Stops on Ctrl-C or SIGTERM after",
          "writing a checkpoint of unsaved steps."})
  static final class Train implements Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Mixin Settings settings;
    @Spec CommandSpec spec;

    @Option(names = "--steps", description = "Stop (after a checkpoint) after this many optimizer steps. Default: train until stopped.")
    long steps;

    @Override
    public Integer call() throws Exception {
      Loaded loaded = settings.load();
      BlockZeroSettings.TrainingInputs inputs;
      try {
        inputs = loaded.blockzero().requireTrainingInputs();
      } catch (ConfigurationError problems) {
        throw new UserError("blockzero train cannot start:\n" + problems.getMessage());
      }
      CheckpointStore store = store(loaded);
      PrintWriter out = spec.commandLine().getOut();
      ActorSystem<Void> system = system(loaded.quarry());
      try {
        Metrics metrics = Metrics.create(GodCommand.nodeName(), GodCommand.version());
        AtomicReference<StepReport> latest = new AtomicReference<>();
        CompletableFuture<Done> finished = new CompletableFuture<>();
        ActorRef<TrainerActor.Command> trainer = system.systemActorOf(TrainerActor.create(loaded.blockzero(), inputs, store, metrics,
            steps, latest, finished), "blockzero-trainer", DispatcherSelector.blocking());
        CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "blockzero-trainer-stop",
            () -> finished.isDone() ? CompletableFuture.completedFuture(Done.getInstance())
                : AskPattern.<TrainerActor.Command, Done>ask(trainer, TrainerActor.Stop::new, Duration.ofMinutes(15), system.scheduler()));
        ManagementServer server = management(system, metrics, () -> status(loaded, latest.get()),
            () -> latest.get() == null ? Readiness.notReady("loading the model") : Readiness.ready("training"));
        out.println("training expert group " + loaded.blockzero().expertGroup() + " of " + inputs.model() + " into " + store.ownDirectory());
        out.println("management on http://" + server.address().getHostString() + ":" + server.address().getPort() + "/ (health, ready, status, metrics)");
        out.flush();
        try {
          finished.get();
        } catch (java.util.concurrent.ExecutionException failure) {
          throw new UserError("training failed: " + failure.getCause().getMessage(), 1, failure.getCause());
        }
        StepReport last = latest.get();
        out.println(last == null ? "no step was taken" : "stopped after step " + last.innerStep() + " on version " + last.globalVersion()
            + " (loss " + String.format("%.4f", last.loss()) + "); checkpoints in " + store.ownDirectory());
        return 0;
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.MINUTES);
      }
    }

    private static MinerStatus status(Loaded loaded, StepReport report) {
      MinerStatus starting = MinerStatus.starting(GodCommand.version(), loaded.blockzero().netuid(), Instant.now());
      return new MinerStatus(starting.time(), starting.version(), loaded.quarry().wallet().hotkey(), loaded.blockzero().netuid(), null,
          null, report == null ? null : report.globalVersion(), null, null, 0, 0, 0, report == null ? 0 : report.tokens(),
          report == null ? 0 : report.tokensPerSecond(), null, List.of(), null, null);
    }
  }

  // ---- model-io --------------------------------------------------------------------------------

  /** {@code quarry blockzero model-io}. */
  @Command(name = "model-io", mixinStandardHelpOptions = true,
      description = {"Follow the phase service and the chain: download the validators' expert group in Distribute, commit the",
          "newest checkpoint's signed hash and record in MinerCommit1/2, upload it to the assigned validator in Submission.",
          "--local runs its own chain, phase service and test validator in this process. Stops on Ctrl-C or SIGTERM."})
  static final class ModelIo implements Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Mixin Settings settings;
    @Spec CommandSpec spec;

    @Option(names = {"-n", "--network"}, description = "Chain: finney, test, local, archive or a ws(s):// URL (default: BT_CHAIN_ENDPOINT / BT_NETWORK).")
    Optional<String> network;

    @Option(names = "--local", description = "Run against an in-process local chain, phase service and test validator (QUARRY_BLOCKZERO_MODEL "
        + "and _EXPERT_ASSIGNMENT give the validator's weights).")
    boolean local;

    @Option(names = "--phases", defaultValue = "2,10,3,10,10,10",
        description = "With --local: Distribute, Train, commit, Submission, Validate, Merge lengths in blocks (default ${DEFAULT-VALUE}, the reference's main).")
    String phases;

    @Option(names = "--block-ms", defaultValue = "1000", description = "With --local: milliseconds per block (default ${DEFAULT-VALUE}, at least 200).")
    long blockMillis;

    @Option(names = "--for", description = "Run for this long, then stop gracefully (e.g. 90s). Default: until stopped.")
    Optional<String> duration;

    @Override
    public Integer call() throws Exception {
      Loaded loaded = settings.load();
      Keypair hotkey;
      try {
        hotkey = new dev.quarry.crypto.wallet.WalletLoader(loaded.quarry().wallet().walletsDirectory(), System.getenv())
            .wallet(loaded.quarry().wallet().coldkey(), loaded.quarry().wallet().hotkey()).hotkey();
      } catch (KeyfileException | java.io.UncheckedIOException unreadable) {
        throw new UserError("cannot read the hotkey (BT_WALLET_COLD / BT_WALLET_HOT / BT_WALLET_PATH): " + unreadable.getMessage());
      }
      CheckpointStore store = store(loaded);
      PrintWriter out = spec.commandLine().getOut();
      ActorSystem<Void> system = system(loaded.quarry());
      LocalNetwork localNetwork = null;
      Chain chain = null;
      try {
        BlockZeroSettings blockzero = loaded.blockzero();
        if (local) {
          localNetwork = startLocal(system, loaded, hotkey, store);
          chain = localNetwork.chain();
          blockzero = blockzero.withPhaseService(localNetwork.phaseService()).withBlockTime(Duration.ofMillis(blockMillis));
          out.println("local subnet " + blockzero.netuid() + ": phase service " + localNetwork.phaseService() + ", test validator "
              + localNetwork.validatorHotkey() + " at " + LocalNetwork.VALIDATOR_HOST + ":" + localNetwork.validator().address().getPort());
        } else {
          chain = GodCommand.openChain(GodCommand.network(network, loaded.quarry()));
        }
        Metrics metrics = Metrics.create(GodCommand.nodeName(), GodCommand.version());
        AtomicReference<ModelIoDaemon.Status> status = new AtomicReference<>();
        ActorRef<ModelIoDaemon.Command> daemon = system.systemActorOf(ModelIoDaemon.create(new ModelIoDaemon.Dependencies(blockzero, chain,
            hotkey, store, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
            system.dispatchers().lookup(DispatcherSelector.blocking()), metrics, Duration.ofSeconds(1)), status), "blockzero-model-io",
            Props.empty());
        CompletableFuture<Done> stopped = new CompletableFuture<>();
        CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "blockzero-model-io-stop",
            () -> AskPattern.<ModelIoDaemon.Command, Done>ask(daemon, ModelIoDaemon.Shutdown::new, Duration.ofMinutes(5), system.scheduler())
                .whenComplete((done, failure) -> stopped.complete(Done.getInstance())));
        BlockZeroSettings shown = blockzero;
        ManagementServer server = management(system, metrics, () -> status(loaded, hotkey, status.get()),
            () -> status.get() == null || status.get().phase() == null ? Readiness.notReady("waiting for the phase service")
                : Readiness.ready("following " + shown.phaseService()));
        out.println("model-io for " + hotkey.ss58Address() + " on subnet " + blockzero.netuid() + ", expert group " + blockzero.expertGroup()
            + "; checkpoints in " + store.ownDirectory());
        out.println("management on http://" + server.address().getHostString() + ":" + server.address().getPort() + "/ (health, ready, status, metrics)");
        out.flush();
        try {
          if (duration.isPresent()) {
            system.getWhenTerminated().toCompletableFuture().get(ChainCommand.parseDuration(duration.get()).toMillis(), TimeUnit.MILLISECONDS);
          } else {
            system.getWhenTerminated().toCompletableFuture().get();
          }
        } catch (TimeoutException ranLongEnough) {
          out.println("stopping after " + duration.orElse(""));
        }
        return 0;
      } finally {
        CoordinatedShutdown.get(Adapter.toClassic(system)).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture()
            .get(10, TimeUnit.MINUTES);
        if (localNetwork != null) {
          localNetwork.close();
        } else if (chain != null) {
          chain.close();
        }
      }
    }

    private LocalNetwork startLocal(ActorSystem<?> system, Loaded loaded, Keypair hotkey, CheckpointStore store) throws Exception {
      BlockZeroSettings blockzero = loaded.blockzero();
      if (blockzero.model().isEmpty() || blockzero.expertAssignment().isEmpty()) {
        throw new UserError("--local needs QUARRY_BLOCKZERO_MODEL and QUARRY_BLOCKZERO_EXPERT_ASSIGNMENT: the test validator serves "
            + "the base model's expert group");
      }
      int[] lengths;
      try {
        lengths = java.util.Arrays.stream(phases.split(",")).mapToInt(value -> Integer.parseInt(value.strip())).toArray();
      } catch (NumberFormatException notNumbers) {
        throw new UserError("--phases must be six block counts, e.g. 2,10,3,10,10,10");
      }
      if (lengths.length != 6 || java.util.Arrays.stream(lengths).anyMatch(length -> length < 1)) {
        throw new UserError("--phases must be six positive block counts: Distribute, Train, commit, Submission, Validate, Merge");
      }
      if (blockMillis < 200) {
        throw new UserError("--block-ms must be at least 200");
      }
      ExpertGroups group = ExpertGroups.read(blockzero.expertAssignment().get(), blockzero.expertGroup());
      Path work = blockzero.root().resolve("local");
      Path validatorModel = LocalNetwork.validatorModelFromBase(blockzero.model().get(), group, work.resolve("validator/globalver_1"));
      return LocalNetwork.start(system, new LocalNetwork.Settings(blockzero.netuid(), blockzero.expertGroup(),
          PhaseSchedule.blockZero(lengths[0], lengths[1], lengths[2], lengths[3], lengths[4], lengths[5]), Duration.ofMillis(blockMillis),
          validatorModel, 1, new java.security.SecureRandom().nextInt(1 << 16), work), hotkey.accountId(), hotkey.accountId());
    }

    private static MinerStatus status(Loaded loaded, Keypair hotkey, ModelIoDaemon.Status status) {
      MinerStatus starting = MinerStatus.starting(GodCommand.version(), loaded.blockzero().netuid(), Instant.now());
      Long block = status == null || status.phase() == null ? null : status.phase().block();
      return new MinerStatus(starting.time(), starting.version(), hotkey.ss58Address(), loaded.blockzero().netuid(), null, null, null, block,
          null, 0, 0, 0, 0, 0.0, null, List.of(), null, null);
    }
  }

  // ---- hash ------------------------------------------------------------------------------------

  /** {@code quarry blockzero hash FILE}. */
  @Command(name = "hash", mixinStandardHelpOptions = true,
      description = "Print the BlockZero model hash (BLAKE2b-24 over the sorted state dict) of a model_expgroup_<g>.pt file.")
  static final class Hash implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A torch.save file with a model_state_dict.")
    Path file;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(file)) {
        throw new UserError(file + " is not a file");
      }
      Map<String, Object> report = new LinkedHashMap<>();
      try (PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file)) {
        report.put("file", file.toString());
        report.put("model_hash", ModelHash.of(checkpoint).hex());
        report.put("tensors", checkpoint.stateDict("model_state_dict").size());
      } catch (dev.quarry.storage.pytorch.PytorchFormatException unreadable) {
        throw new UserError(unreadable.getMessage());
      }
      JsonOutput.print(spec.commandLine().getOut(), report);
      return 0;
    }
  }
}
