package dev.quarry.cli;

import com.typesafe.config.Config;
import dev.quarry.chain.Chain;
import dev.quarry.chain.drand.DrandClient;
import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.config.BucketSettings;
import dev.quarry.config.ClusterConfiguration;
import dev.quarry.config.ConfigurationError;
import dev.quarry.config.NodeSettings;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.config.WalletSettings;
import dev.quarry.crypto.Keypair;
import dev.quarry.env.runtime.EnvironmentFactory;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.http.ManagementServer;
import dev.quarry.http.Metrics;
import dev.quarry.mining.DevicePlan;
import dev.quarry.mining.MinerSetup;
import dev.quarry.mining.MiningEvents;
import dev.quarry.mining.MiningNode;
import dev.quarry.mining.TrainerBucket;
import dev.quarry.mining.WindowReport;
import dev.quarry.mining.local.LocalNetwork;
import dev.quarry.mining.local.EmbeddedValidator;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quarry mine}: the Grail miner. With {@code --local} everything runs in this process — a
 * local chain, an S3 server under {@code --data-dir}, the trainer publishing the tiny model and the
 * miner — and each mined window is checked as a validator would; without it, the miner joins the
 * real network with the operator's {@code .env}. Both run the same {@code dev.quarry.mining} code.
 */
@Command(
    name = "mine",
    mixinStandardHelpOptions = true,
    description = {"Mine Grail (subnet 81): follow the chain, generate and prove rollouts, upload one file per window.",
        "--local runs a whole network in this process — chain, S3 server, trainer, miner and the local validator, which "
            + "checks every window (no accounts, no GPU, no internet needed)."})
public final class MineCommand implements Callable<Integer> {

  @Mixin Verbosity verbosity;
  @Mixin EnvFileOption envFile;
  @Mixin WalletOptions walletOptions;
  @Spec CommandSpec spec;

  @Option(names = "--local", description = "Run the embedded network: local chain, S3 server, trainer and miner in this process.")
  boolean local;

  @Option(names = "--windows", paramLabel = "N", description = "Stop after N windows (default: --local mines 2, otherwise run until stopped).")
  Integer windows;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "With --local: where the network keeps everything; objects land under DIR/s3/<bucket>/<key> (default: ./quarry-local).")
  Path dataDirectory;

  @Option(names = "--no-drand", description = "Do not mix drand into the window randomness (the same as QUARRY_DRAND=false).")
  boolean noDrand;

  @Option(names = "--block-time", paramLabel = "DURATION", defaultValue = "500ms",
      description = "With --local: block time of the local chain, at least 200ms (default: ${DEFAULT-VALUE}).")
  String blockTime;

  @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "40",
      description = "With --local: the local trainer's max_tokens (at least 32, the proof's challenge length; default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--cluster-port", paramLabel = "PORT",
      description = "With --local: this node's cluster (Artery) port, so other nodes can --join it (default: a free port).")
  Integer clusterPort;

  @Option(names = "--join", paramLabel = "HOST:PORT",
      description = "With --local: join the local network another `quarry mine --local` runs in --data-dir, as a worker-only node "
          + "(its cluster port is HOST:PORT). Runs until stopped.")
  String join;

  @Option(names = "--management-port", paramLabel = "PORT",
      description = "Port of /health, /ready, /status and /metrics (default: QUARRY_MANAGEMENT_PORT; with --local a free port).")
  Integer managementPort;

  @Override
  public Integer call() throws Exception {
    return local ? runLocal() : runReal();
  }

  // ------------------------------------------------------------------ --local

  private int runLocal() throws Exception {
    if (join != null) {
      return joinLocal();
    }
    PrintWriter out = spec.commandLine().getOut();
    int target = windows == null ? 2 : windows;
    if (target < 1) {
      throw new UserError("--windows must be at least 1");
    }
    if (maxTokens < 32) {
      throw new UserError("--max-tokens must be at least 32: validators challenge 32 completion positions per rollout");
    }
    Duration block = ChainCommand.parseDuration(blockTime);
    if (block.toMillis() < 200) {
      throw new UserError("--block-time must be at least 200ms");
    }
    Path directory = (dataDirectory == null ? Path.of("quarry-local") : dataDirectory).toAbsolutePath();
    NodeSettings node = new NodeSettings(Optional.of(List.of("coordinator", "worker")), Optional.of("127.0.0.1"),
        OptionalInt.of(clusterPort == null ? 0 : clusterPort), Optional.of(List.of()), Optional.of("127.0.0.1"),
        OptionalInt.of(managementPort == null ? 0 : managementPort));
    ActorSystem<Void> system = startSystem(ClusterConfiguration.load(node));
    LocalNetwork network = null;
    List<AutoCloseable> closeables = new ArrayList<>();
    try {
      network = LocalNetwork.start(new LocalNetwork.Settings(directory, block, 81, maxTokens, 7, false, true));
      BlockingQueue<WindowReport> reports = new LinkedBlockingQueue<>();
      Metrics metrics = Metrics.create("local", GodCommand.version());
      WindowBeaconSource drand = noDrand ? new WindowBeaconSource(null, false)
          : new WindowBeaconSource(DrandClient.create(DrandClient.Settings.defaults()), true);
      MinerSetup setup = network.minerSetup(directory.resolve("node"), metrics, drand, DevicePlan.cpu(40_960, 16),
          new MiningEvents() {
            @Override
            public void windowFinished(WindowReport report) {
              reports.add(report);
            }
          });
      out.println("Local Grail network in " + directory + ": chain at block " + network.chain().headNumber() + " ("
          + block.toMillis() + " ms blocks), S3 at " + network.s3().endpoint() + ", miner " + network.minerHotkey().ss58Address());
      MiningNode miner = MiningNode.start(system, setup);
      ManagementServer management = GodCommand.await(ManagementServer.start(system, ManagementServer.Settings.fromConfig(system.settings().config()),
          miner.status(), miner::readiness, metrics), Duration.ofSeconds(30), "starting the management endpoint");
      out.println("Management endpoint: http://" + management.address().getHostString() + ":" + management.address().getPort()
          + "/status  (mining " + target + " window(s))");
      out.flush();
      closeables.add(setup.environments());
      EmbeddedValidator validator = EmbeddedValidator.start(network, setup.environments());
      closeables.add(0, validator);
      List<String> summary = new ArrayList<>();
      boolean allGood = true;
      int mined = 0;
      try (AutoCloseable progress = ProgressLine.startIfTerminal(out, miner.status())) {
        while (mined < target) {
          WindowReport report = reports.poll(10, TimeUnit.MINUTES);
          if (report == null) {
            throw new UserError("no window finished within 10 minutes; see the log above", 1, null);
          }
          if (report.outcome() == WindowReport.Outcome.SKIPPED) {
            continue;
          }
          mined++;
          String line = describe(report, network);
          if (report.stored()) {
            waitForBlock(network, report.windowStart() + 30);
            EmbeddedValidator.Verdict verdict = validator.validate(report.windowStart());
            line += verdict.accepted()
                ? "; local validator: valid (" + verdict.checkedRows() + " rows in " + verdict.sampledGroups()
                    + " sampled group(s) checked" + (verdict.problems().isEmpty() ? "" : "; " + String.join("; ", verdict.problems())) + ")"
                : "; local validator: " + verdict.status().name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + String.join("; ", verdict.problems());
            allGood &= verdict.accepted();
          } else {
            allGood = false;
          }
          summary.add(line);
        }
      }
      out.println("Mined " + mined + " window(s):");
      summary.forEach(line -> out.println("  " + line));
      out.flush();
      management.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      return allGood ? 0 : 1;
    } finally {
      stopSystem(system);
      for (AutoCloseable closeable : closeables) {
        closeable.close();
      }
      if (network != null) {
        network.close();
      }
    }
  }

  /** A worker-only node of a local network running in another process. */
  private int joinLocal() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!join.matches("[^:]+:\\d{1,5}")) {
      throw new UserError("--join takes HOST:PORT, the cluster port of the node running the local network (its --cluster-port)");
    }
    Path directory = (dataDirectory == null ? Path.of("quarry-local") : dataDirectory).toAbsolutePath();
    dev.quarry.mining.local.AttachedNetwork network;
    try {
      network = dev.quarry.mining.local.AttachedNetwork.read(directory);
    } catch (java.io.IOException missing) {
      throw new UserError(missing.getMessage());
    }
    NodeSettings node = new NodeSettings(Optional.of(List.of("worker")), Optional.of("127.0.0.1"),
        OptionalInt.of(clusterPort == null ? 0 : clusterPort), Optional.of(List.of(join)), Optional.of("127.0.0.1"),
        OptionalInt.of(managementPort == null ? 0 : managementPort));
    ActorSystem<Void> system = startSystem(ClusterConfiguration.load(node));
    try {
      Metrics metrics = Metrics.create(GodCommand.nodeName(), GodCommand.version());
      Path nodeDirectory = directory.resolve("node-" + Cluster.get(system).selfMember().address().port().get());
      MinerSetup setup = network.workerSetup(nodeDirectory, metrics, DevicePlan.cpu(40_960, 16), MiningEvents.NONE);
      MiningNode miner = MiningNode.start(system, setup);
      ManagementServer management = GodCommand.await(ManagementServer.start(system, ManagementServer.Settings.fromConfig(system.settings().config()),
          miner.status(), miner::readiness, metrics), Duration.ofSeconds(30), "starting the management endpoint");
      out.println("Worker node " + miner.node() + " joined the local network in " + directory + " via " + join
          + "; management on http://" + management.address().getHostString() + ":" + management.address().getPort() + "/status");
      out.flush();
      system.getWhenTerminated().toCompletableFuture().get();
      return 0;
    } finally {
      stopSystem(system);
    }
  }

  private static String describe(WindowReport report, LocalNetwork network) {
    String line = "window " + report.windowStart() + ": " + report.outcome().name().toLowerCase(java.util.Locale.ROOT);
    if (report.objectKey() != null && report.stored()) {
      line += ", " + report.groups() + " groups / " + report.rollouts() + " rollouts, " + report.bytes() + " bytes at "
          + network.objectRoot().resolve(LocalNetwork.MINER_BUCKET).resolve(report.objectKey());
    }
    if (!report.dropped().isEmpty()) {
      line += ", dropped " + report.dropped();
    }
    if (!report.detail().isEmpty()) {
      line += " (" + report.detail() + ")";
    }
    return line;
  }

  private static void waitForBlock(LocalNetwork network, long block) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (network.chain().headNumber() < block && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  // ------------------------------------------------------------------ the real network

  private int runReal() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    OperatorEnvironment environment = envFile.environment();
    QuarrySettings settings = EnvFileOption.settings(environment);
    BucketSettings bucket;
    try {
      bucket = settings.requireStorage();
    } catch (ConfigurationError missing) {
      throw new UserError(missing.getMessage());
    }
    WalletSettings wallet = walletOptions.resolve(settings.wallet());
    Keypair hotkey = WalletOptions.hotkey(wallet, System.getenv());
    ObjectStoreSettings minerBucket = ObjectStoreSettings.from(bucket);
    if (windows != null && windows < 1) {
      throw new UserError("--windows must be at least 1");
    }
    Chain chain = GodCommand.openChain(settings.chain().endpoint().toString());
    ActorSystem<Void> system = null;
    EnvironmentFactory environments = null;
    try {
      preflight(chain, settings, hotkey);
      boolean drandOn = settings.drand().enabled() && !noDrand;
      WindowBeaconSource drand = drandOn
          ? new WindowBeaconSource(DrandClient.create(DrandClient.Settings.of(settings.drand().relays(), settings.drand().requestTimeout())), true)
          : new WindowBeaconSource(null, false);
      Metrics metrics = Metrics.create(GodCommand.nodeName(), GodCommand.version());
      BlockingQueue<WindowReport> reports = new LinkedBlockingQueue<>();
      environments = EnvironmentFactory.fromSettings(settings);
      MinerSetup setup = new MinerSetup(hotkey, settings.chain().netuid(), chain, minerBucket,
          TrainerBucket.fromChain(chain, settings.chain().netuid(), ProtocolParameters.v5().incentive().trainerUid(), minerBucket),
          drand, environments, DevicePlan.resolve(settings.devices()), settings.paths().dataDirectory(),
          settings.paths().checkpointCache(), settings.mining().safetyBlocks(), ProtocolParameters.v5(), metrics,
          new MiningEvents() {
            @Override
            public void windowFinished(WindowReport report) {
              reports.add(report);
            }
          }, GodCommand.version(), true, 0);
      NodeSettings node = settings.node();
      if (managementPort != null) {
        node = new NodeSettings(node.roles(), node.clusterHost(), node.clusterPort(), node.seedNodes(), node.managementHost(),
            OptionalInt.of(managementPort));
      }
      Config config = ClusterConfiguration.load(node);
      system = startSystem(config);
      MiningNode miner = MiningNode.start(system, setup);
      // A node with the god role also serves the G.O.D tournament endpoint, in the same actor system.
      java.util.function.Supplier<dev.quarry.http.Readiness> readiness = miner::readiness;
      if (dev.quarry.god.GodMinerService.assigned(config)) {
        dev.quarry.god.GodSettings god;
        try {
          god = dev.quarry.god.GodSettings.from(environment, settings);
        } catch (ConfigurationError problems) {
          throw new UserError("this node has the god role, but the G.O.D settings are incomplete:\n" + problems.getMessage());
        }
        dev.quarry.god.GodMinerService service = GodCommand.await(dev.quarry.god.GodMinerService.start(system, god,
            hotkey.accountId(), chain, metrics), Duration.ofSeconds(30), "starting the G.O.D endpoint");
        readiness = () -> {
          dev.quarry.http.Readiness mining = miner.readiness();
          dev.quarry.http.Readiness tournament = service.readiness();
          return mining.ready() && tournament.ready() ? mining
              : dev.quarry.http.Readiness.notReady(mining.ready() ? tournament.reason() : mining.reason());
        };
        out.println("G.O.D endpoint on " + service.address() + " (subnet " + god.netuid() + ")");
      }
      ManagementServer management = GodCommand.await(ManagementServer.start(system, ManagementServer.Settings.fromConfig(config),
          miner.status(), readiness, metrics), Duration.ofSeconds(30), "starting the management endpoint");
      out.println("Mining subnet " + settings.chain().netuid() + " as " + hotkey.ss58Address() + " on " + settings.chain().endpoint()
          + " (roles " + miner.roles() + ", devices " + setup.devices().devices() + ", drand " + (drandOn ? "on" : "off") + ")");
      out.println("Management endpoint: http://" + management.address().getHostString() + ":" + management.address().getPort() + "/status");
      out.flush();
      try (AutoCloseable progress = ProgressLine.startIfTerminal(out, miner.status())) {
        if (windows == null) {
          system.getWhenTerminated().toCompletableFuture().get();
        } else {
          int mined = 0;
          while (mined < windows) {
            WindowReport report = reports.take();
            if (report.outcome() != WindowReport.Outcome.SKIPPED) {
              mined++;
              out.println("window " + report.windowStart() + ": " + report.outcome() + " (" + report.groups() + " groups, "
                  + report.rollouts() + " rollouts)" + (report.detail().isEmpty() ? "" : ": " + report.detail()));
            }
          }
        }
      }
      return 0;
    } finally {
      if (system != null) {
        stopSystem(system);
      }
      if (environments != null) {
        environments.close();
      }
      chain.close();
    }
  }

  /** Fails early, with the fix, on what would make every window worthless. */
  private static void preflight(Chain chain, QuarrySettings settings, Keypair hotkey) {
    int netuid = settings.chain().netuid();
    OptionalInt uid;
    try {
      uid = GodCommand.await(chain.uid(netuid, hotkey.accountId()), Duration.ofSeconds(60), "reading the hotkey's registration");
    } catch (UserError unreachable) {
      throw new UserError(unreachable.getMessage() + " (chain " + settings.chain().endpoint() + "; run `quarry doctor`)", 1, null);
    }
    if (uid.isEmpty()) {
      throw new UserError("hotkey " + hotkey.ss58Address() + " is not registered on subnet " + netuid + " of "
          + settings.chain().network() + ": register it first (btcli subnet register --netuid " + netuid + ")", 1, null);
    }
  }

  private static ActorSystem<Void> startSystem(Config config) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), config.getString("quarry.actor-system-name"), config);
    Cluster cluster = Cluster.get(system);
    String bootstrap = config.hasPath("quarry.cluster.bootstrap") ? config.getString("quarry.cluster.bootstrap") : "off";
    if (bootstrap.equals("kubernetes")) {
      // Pods find each other through the Kubernetes API and agree on who forms the cluster.
      org.apache.pekko.management.javadsl.PekkoManagement.get(system.classicSystem()).start().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap.get(system.classicSystem()).start();
    } else if (!bootstrap.equals("off")) {
      system.terminate();
      throw new UserError("quarry.cluster.bootstrap is '" + bootstrap + "'; use off or kubernetes");
    } else if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (cluster.selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        system.terminate();
        throw new UserError("this node did not join the cluster within 3 minutes; check QUARRY_SEED_NODES and that the seed "
            + "nodes are reachable on their cluster port", 1, null);
      }
      Thread.sleep(50);
    }
    return system;
  }

  private static void stopSystem(ActorSystem<Void> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
