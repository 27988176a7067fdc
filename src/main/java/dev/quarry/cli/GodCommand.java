package dev.quarry.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.Chains;
import dev.quarry.chain.Inclusion;
import dev.quarry.config.ClusterConfiguration;
import dev.quarry.config.ConfigurationError;
import dev.quarry.config.DotEnvFile;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.config.Secret;
import dev.quarry.config.Variable;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.wallet.KeyfileException;
import dev.quarry.crypto.wallet.Wallet;
import dev.quarry.crypto.wallet.WalletLoader;
import dev.quarry.god.DatasetWhitelist;
import dev.quarry.god.GodAxon;
import dev.quarry.god.GodMinerService;
import dev.quarry.god.GodSettings;
import dev.quarry.god.TournamentType;
import dev.quarry.god.TrainingRepo;
import dev.quarry.http.ManagementServer;
import dev.quarry.http.Metrics;
import dev.quarry.http.MinerStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quarry god …}: the G.O.D (subnet 56) tournament miner. {@code serve} runs the
 * training-repo endpoint standalone, {@code post-ip} publishes its address on chain, {@code init}
 * writes its settings, {@code check} shows what validators would be told. The work is done by
 * {@code dev.quarry.god}, the same code a cluster node with the {@code god} role runs.
 */
@Command(
    name = "god",
    mixinStandardHelpOptions = true,
    description = "G.O.D (subnet 56) tournament miner: serve GET /training_repo/{task_type} behind Fiber authentication.",
    subcommands = {GodCommand.Serve.class, GodCommand.Check.class, GodCommand.PostIp.class, GodCommand.Init.class})
public final class GodCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Settings read the way every G.O.D command reads them. */
  record Loaded(OperatorEnvironment environment, QuarrySettings quarry, GodSettings god) {}

  static Loaded load(Path envFile, boolean explicit) {
    try {
      OperatorEnvironment environment = OperatorEnvironment.load(envFile, explicit, System.getenv());
      QuarrySettings quarry = QuarrySettings.from(environment);
      return new Loaded(environment, quarry, GodSettings.from(environment, quarry));
    } catch (ConfigurationError problems) {
      throw new UserError("the G.O.D miner cannot start:\n" + problems.getMessage());
    }
  }

  static Wallet wallet(QuarrySettings settings) {
    return new WalletLoader(settings.wallet().walletsDirectory(), System.getenv())
        .wallet(settings.wallet().coldkey(), settings.wallet().hotkey());
  }

  static Chain openChain(String network) {
    try {
      return Chains.open(network);
    } catch (IllegalArgumentException invalid) {
      throw new UserError(invalid.getMessage());
    }
  }

  static String network(Optional<String> option, QuarrySettings settings) {
    return option.orElse(settings.chain().endpoint().toString());
  }

  static <T> T await(CompletionStage<T> stage, Duration limit, String what) {
    try {
      return stage.toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new UserError(what + ": no answer within " + limit.toSeconds() + " s; check the network (--network)", 1, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ChainException chainError) {
        throw new UserError(what + ": " + chainError.getMessage(), 1, chainError);
      }
      if (cause instanceof IllegalArgumentException invalid) {
        throw new UserError(what + ": " + invalid.getMessage(), 2, invalid);
      }
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError(what + ": interrupted", 1, e);
    }
  }

  /** Options shared by the commands that read settings. */
  static final class Settings {
    @Option(names = "--env-file", defaultValue = ".env", description = "Settings file (default: ${DEFAULT-VALUE}; missing is fine unless given).")
    Path envFile;

    @Spec(Spec.Target.MIXEE) CommandSpec spec;

    Loaded load() {
      boolean explicit = spec.commandLine().getParseResult().hasMatchedOption("--env-file");
      return GodCommand.load(envFile, explicit);
    }
  }

  // ---- serve ----------------------------------------------------------------------------------

  /** {@code quarry god serve}: the endpoint, the metagraph sync and the management endpoint. */
  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {"Serve GET /training_repo/{text|image|environment} to G.O.D validators (Fiber 2.4.0 authentication),",
          "with /health, /ready, /status and /metrics on the management port. Stops on Ctrl-C or SIGTERM."})
  static final class Serve implements Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Mixin Settings settings;
    @Spec CommandSpec spec;

    @Option(names = {"-n", "--network"}, description = "Chain to read stakes from: finney, test, local, embedded or a ws(s):// URL "
        + "(default: BT_CHAIN_ENDPOINT / BT_NETWORK).")
    Optional<String> network;

    @Option(names = "--host", description = "Listen address (default: QUARRY_GOD_HOST, 0.0.0.0).")
    Optional<String> host;

    @Option(names = "--port", description = "Listen port (default: QUARRY_GOD_PORT, 7999).")
    Optional<Integer> port;

    @Option(names = "--for", description = "Serve for this long, then stop (e.g. 30s; for smoke tests). Default: until stopped.")
    Optional<String> duration;

    @Override
    public Integer call() throws Exception {
      Loaded loaded = settings.load();
      GodSettings god = loaded.god().withListen(host.orElse(loaded.god().host()), port.orElse(loaded.god().port()));
      AccountId hotkey;
      try {
        hotkey = wallet(loaded.quarry()).hotkeyAccount();
      } catch (KeyfileException | java.io.UncheckedIOException unreadable) {
        throw new UserError("cannot read the hotkey (BT_WALLET_COLD / BT_WALLET_HOT / BT_WALLET_PATH): " + unreadable.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      Config config = ConfigFactory.parseString("pekko.actor.provider = local")
          .withFallback(ClusterConfiguration.load(loaded.quarry().node()));
      Chain chain = openChain(network(network, loaded.quarry()));
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), config.getString("quarry.actor-system-name"), config);
      try {
        Metrics metrics = Metrics.create(nodeName(), version());
        GodMinerService service = await(GodMinerService.start(system, god, hotkey, chain, metrics), Duration.ofSeconds(30),
            "starting the endpoint");
        ManagementServer management = await(ManagementServer.start(system, ManagementServer.Settings.fromConfig(config),
            () -> status(hotkey, god, service), service::readiness, metrics), Duration.ofSeconds(30), "starting the management endpoint");
        out.println("G.O.D miner " + hotkey + " on subnet " + god.netuid() + ": http://" + service.address().getHostString() + ":"
            + service.address().getPort() + "/training_repo/{" + String.join("|",
            god.repos().keySet().stream().map(TournamentType::wireName).toList()) + "}");
        out.println("Validators need " + god.minStakeThreshold() + " TAO of stake; management on http://"
            + management.address().getHostString() + ":" + management.address().getPort() + "/ (health, ready, status, metrics)");
        god.warnings().forEach(warning -> out.println("warning: " + warning));
        out.flush();
        if (duration.isPresent()) {
          system.getWhenTerminated().toCompletableFuture().get(ChainCommand.parseDuration(duration.get()).toMillis(), TimeUnit.MILLISECONDS);
        } else {
          system.getWhenTerminated().toCompletableFuture().get();
        }
      } catch (TimeoutException servedLongEnough) {
        spec.commandLine().getOut().println("stopping after " + duration.orElse(""));
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        chain.close();
      }
      return 0;
    }

    private static MinerStatus status(AccountId hotkey, GodSettings god, GodMinerService service) {
      MinerStatus starting = MinerStatus.starting(version(), god.netuid(), Instant.now());
      return new MinerStatus(starting.time(), starting.version(), hotkey.ss58(), god.netuid(), null, null, null,
          service.metagraph().block() >= 0 ? service.metagraph().block() : null, null, 0, 0, 0, 0, 0.0, null, List.of(), null,
          service.readiness().ready() ? null : service.readiness().reason());
    }
  }

  static String nodeName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name.matches("[A-Za-z0-9][A-Za-z0-9:._-]{0,62}") ? name : "quarry";
    } catch (UnknownHostException unknown) {
      return "quarry";
    }
  }

  static String version() {
    String version = GodCommand.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  // ---- check ----------------------------------------------------------------------------------

  /** {@code quarry god check}: validates the settings and prints the answers (tokens redacted). */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Check the G.O.D settings and show what each tournament family will be told (tokens redacted).")
  static final class Check implements Callable<Integer> {
    @Mixin Settings settings;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      GodSettings god = settings.load().god();
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("netuid", god.netuid());
      report.put("listen", god.host() + ":" + god.port());
      report.put("min_stake_threshold", god.minStakeThreshold());
      Map<String, Object> families = new LinkedHashMap<>();
      for (TournamentType type : TournamentType.values()) {
        TrainingRepo repo = god.repos().get(type);
        if (repo == null) {
          families.put(type.wireName(), null);
          continue;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("github_repo", repo.githubRepo());
        answer.put("commit_hash", repo.commitHash());
        answer.put("github_token", repo.githubToken().map(token -> Secret.REDACTED).orElse(null));
        answer.put("requested_datasets", repo.requestedDatasets().isEmpty() ? null : repo.requestedDatasets());
        families.put(type.wireName(), answer);
      }
      report.put("training_repo", families);
      report.put("warnings", god.warnings());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        JsonOutput.print(out, report);
        return 0;
      }
      out.println("subnet " + god.netuid() + ", listening on " + god.host() + ":" + god.port() + ", validators need "
          + god.minStakeThreshold() + " TAO");
      families.forEach((family, answer) -> out.println("  " + family + ": " + (answer == null ? "not offered (404)" : answer)));
      god.warnings().forEach(warning -> out.println("warning: " + warning));
      out.flush();
      return 0;
    }
  }

  // ---- post-ip --------------------------------------------------------------------------------

  /** {@code quarry god post-ip}: {@code serve_axon} with the hotkey, as {@code fiber-post-ip}. */
  @Command(name = "post-ip", mixinStandardHelpOptions = true,
      description = {"Publish the endpoint's address on chain (SubtensorModule.serve_axon signed by the hotkey, version 1, protocol 4),",
          "as fiber-post-ip does. G.O.D asks to do this at least an hour before a tournament."})
  static final class PostIp implements Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Mixin Settings settings;
    @Spec CommandSpec spec;

    @Option(names = "--ip", required = true, description = "Public IPv4 or IPv6 address (or a host name, resolved now) validators connect to.")
    String ip;

    @Option(names = "--port", description = "Public port (default: QUARRY_GOD_PORT, 7999).")
    Optional<Integer> port;

    @Option(names = "--netuid", description = "Subnet (default: QUARRY_GOD_NETUID: 56, or 241 on testnet).")
    Optional<Integer> netuid;

    @Option(names = {"-n", "--network"}, description = "finney, test, local, embedded or a ws(s):// URL (default: BT_CHAIN_ENDPOINT / BT_NETWORK).")
    Optional<String> network;

    @Option(names = "--timeout", defaultValue = "180s", description = "How long to wait for inclusion (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() {
      Loaded loaded = settings.load();
      InetAddress address;
      try {
        address = InetAddress.getByName(ip.strip());
      } catch (UnknownHostException unknown) {
        throw new UserError("--ip " + ip + " is neither an IP address nor a host name that resolves");
      }
      int publicPort = port.orElse(loaded.god().port());
      int subnet = netuid.orElse(loaded.god().netuid());
      PrintWriter out = spec.commandLine().getOut();
      GodAxon.reachabilityWarning(address).ifPresent(warning -> out.println("warning: " + warning));
      Keypair hotkey;
      try {
        Wallet wallet = wallet(loaded.quarry());
        hotkey = loaded.quarry().wallet().hotkeyPassword()
            .map(password -> wallet.hotkey(password.reveal().toCharArray()))
            .orElseGet(wallet::hotkey);
      } catch (KeyfileException | java.io.UncheckedIOException unreadable) {
        throw new UserError("cannot load the hotkey (BT_WALLET_COLD / BT_WALLET_HOT / BT_WALLET_PATH): " + unreadable.getMessage());
      }
      out.println("posting " + address.getHostAddress() + ":" + publicPort + " for " + hotkey.ss58Address() + " on subnet " + subnet + " ...");
      out.flush();
      try (Chain chain = openChain(network(network, loaded.quarry()))) {
        Inclusion inclusion = await(GodAxon.post(chain, hotkey, subnet, address, publicPort), ChainCommand.parseDuration(timeout),
            "serve_axon");
        out.println("posted: extrinsic " + inclusion.extrinsicHash() + " in block " + inclusion.blockNumber() + " (" + inclusion.blockHash() + ")");
      }
      out.flush();
      return 0;
    }
  }

  // ---- init -----------------------------------------------------------------------------------

  /** {@code quarry god init}: asks what {@code task miner-config} asks plus the training repository. */
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"Write the G.O.D settings into the .env file interactively (like G.O.D's `task miner-config`):",
          "network, wallet, MIN_STAKE_THRESHOLD, training repository, commit, token and datasets.",
          "Other lines of an existing file are kept; the old file is saved as <file>.bak-<time>."})
  static final class Init implements Callable<Integer> {
    private static final int ATTEMPTS = 5;

    @Spec CommandSpec spec;

    @Option(names = "--env-file", defaultValue = ".env", description = "File to create or update (default: ${DEFAULT-VALUE}).")
    Path envFile;

    private final InitCommand.Terminal injected;

    Init() {
      this(null);
    }

    Init(InitCommand.Terminal terminal) {
      this.injected = terminal;
    }

    @Override
    public Integer call() {
      InitCommand.Terminal terminal = injected != null ? injected : InitCommand.systemTerminal(spec.commandLine().getOut());
      Path target = envFile.toAbsolutePath().normalize();
      terminal.println("G.O.D miner setup: updates " + target + " (press Enter to keep the [default])");
      Map<String, String> answers = new LinkedHashMap<>();
      String network = ask(terminal, "Enter subtensor network (finney or test)", "finney",
          value -> Set.of("finney", "test").contains(value) ? Optional.empty() : Optional.of("is not finney or test"));
      answers.put(Variable.BT_NETWORK.name(), network);
      answers.put(Variable.BT_CHAIN_ENDPOINT.name(), ask(terminal, "Enter subtensor address, ws:// or wss:// (blank: the public endpoint)", "",
          value -> value.isEmpty() || value.matches("wss?://.+") ? Optional.empty() : Optional.of("must start with ws:// or wss://")));
      answers.put(Variable.BT_WALLET_COLD.name(), ask(terminal, "Enter wallet name", "default", checkedBy(Variable.BT_WALLET_COLD)));
      answers.put(Variable.BT_WALLET_HOT.name(), ask(terminal, "Enter hotkey name", "default", checkedBy(Variable.BT_WALLET_HOT)));
      answers.put(Variable.MIN_STAKE_THRESHOLD.name(), ask(terminal, "Enter MIN_STAKE_THRESHOLD in TAO", network.equals("test") ? "0" : "1000",
          value -> value.matches("\\d{1,15}") ? Optional.empty() : Optional.of("is not a whole number of TAO")));
      answers.put(Variable.MINER_TRAINING_REPO.name(), ask(terminal, "Training repository (https://github.com/<owner>/<repo>)", "",
          true, GodSettings::repositoryProblem));
      answers.put(Variable.MINER_TRAINING_COMMIT.name(), ask(terminal, "Commit SHA validators should run (git rev-parse HEAD)", "",
          true, GodSettings::commitProblem));
      answers.put(Variable.MINER_GITHUB_TOKEN.name(), askSecret(terminal));
      answers.put(Variable.MINER_REQUESTED_DATASETS.name(), askDatasets(terminal));
      answers.put(Variable.QUARRY_GOD_PORT.name(), ask(terminal, "Port validators connect to", String.valueOf(GodSettings.DEFAULT_PORT),
          checkedBy(Variable.QUARRY_GOD_PORT)));
      Map<String, String> existing = readExisting(target);
      // A blank answer clears an old value (e.g. the token of a repository that became public).
      answers.entrySet().removeIf(answer -> answer.getValue().isEmpty() && !existing.containsKey(answer.getKey()));
      Map<String, String> merged = new LinkedHashMap<>(existing);
      merged.putAll(answers);
      try {
        OperatorEnvironment environment = OperatorEnvironment.of(merged);
        GodSettings.from(environment, QuarrySettings.from(environment));
      } catch (ConfigurationError problems) {
        throw new UserError("the answers do not make a valid configuration, nothing was written:\n" + problems.getMessage());
      }
      Optional<Path> backup = update(target, answers);
      PrintWriter out = spec.commandLine().getOut();
      out.println();
      out.println("Wrote " + answers.size() + " settings to " + target + " (readable only by you):");
      answers.forEach((key, value) -> out.println("  " + key + "="
          + (Variable.named(key).map(Variable::secret).orElse(false) ? Secret.REDACTED : value)));
      backup.ifPresent(path -> out.println("The previous file is kept as " + path));
      out.println("Next: `quarry god check`, `quarry god post-ip --ip <public ip>`, then `quarry god serve`.");
      out.flush();
      return 0;
    }

    private static Function<String, Optional<String>> checkedBy(Variable variable) {
      return variable::problemWith;
    }

    private String ask(InitCommand.Terminal terminal, String question, String fallback, Function<String, Optional<String>> check) {
      return ask(terminal, question, fallback, false, check);
    }

    private String ask(InitCommand.Terminal terminal, String question, String fallback, boolean required,
        Function<String, Optional<String>> check) {
      String prompt = question + (fallback.isEmpty() ? "" : " [" + fallback + "]") + ": ";
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        String line = terminal.readLine(prompt);
        if (line == null) {
          throw new UserError("input ended before every question was answered; nothing was written");
        }
        String value = line.strip().isEmpty() ? fallback : line.strip();
        if (value.isEmpty() && required) {
          terminal.println("  an answer is required.");
          continue;
        }
        Optional<String> problem = value.isEmpty() ? Optional.empty() : check.apply(value);
        if (problem.isPresent()) {
          terminal.println("  " + (problem.get().startsWith("\"") ? "" : "\"" + value + "\" ") + problem.get() + ". Try again.");
          continue;
        }
        return value;
      }
      throw new UserError("no acceptable answer after " + ATTEMPTS + " tries; nothing was written");
    }

    private String askSecret(InitCommand.Terminal terminal) {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        String line = terminal.readSecret("GitHub token for a private repository (blank for a public one; not echoed): ");
        if (line == null) {
          throw new UserError("input ended before every question was answered; nothing was written");
        }
        String value = line.strip();
        Optional<String> problem = value.isEmpty() ? Optional.empty() : GodSettings.tokenProblem(Secret.of(value));
        if (problem.isPresent()) {
          terminal.println("  That token " + problem.get() + ". Try again.");
          continue;
        }
        return value;
      }
      throw new UserError("no acceptable token after " + ATTEMPTS + " tries; nothing was written");
    }

    private String askDatasets(InitCommand.Terminal terminal) {
      DatasetWhitelist whitelist = DatasetWhitelist.shipped();
      terminal.println("Datasets validators may pre-download for you (at most " + DatasetWhitelist.MAX_REQUESTED + "), from G.O.D's whitelist:");
      whitelist.datasets().stream().sorted(String.CASE_INSENSITIVE_ORDER).forEach(name -> terminal.println("    " + name));
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        String line = terminal.readLine("Requested datasets, comma-separated (blank for none): ");
        if (line == null) {
          throw new UserError("input ended before every question was answered; nothing was written");
        }
        DatasetWhitelist.Selection selection = whitelist.select(GodSettings.splitDatasets(line));
        if (!selection.notWhitelisted().isEmpty() || !selection.beyondLimit().isEmpty()) {
          List<String> problems = new ArrayList<>();
          selection.notWhitelisted().forEach(name -> problems.add(name + " is not on the whitelist"
              + whitelist.caseInsensitiveMatch(name).map(match -> " (did you mean " + match + "?)").orElse("")));
          if (!selection.beyondLimit().isEmpty()) {
            problems.add("only " + DatasetWhitelist.MAX_REQUESTED + " are taken");
          }
          terminal.println("  " + String.join("; ", problems) + ". Try again.");
          continue;
        }
        return String.join(",", selection.kept());
      }
      throw new UserError("no acceptable dataset list after " + ATTEMPTS + " tries; nothing was written");
    }

    private static Map<String, String> readExisting(Path target) {
      if (!Files.exists(target)) {
        return Map.of();
      }
      try {
        DotEnvFile file = DotEnvFile.parse(Files.readString(target, StandardCharsets.UTF_8));
        if (!file.problems().isEmpty()) {
          throw new UserError(target + " has lines that do not parse (" + file.problems().get(0)
              + "); fix them before running `quarry god init`, nothing was written");
        }
        return file.resolve(Map.of());
      } catch (IOException unreadable) {
        throw new UserError("cannot read " + target + ": " + unreadable.getMessage());
      }
    }

    /**
     * Replaces the lines that set the answered variables and appends the others, keeping every
     * other line; written through a mode-600 temporary file moved into place.
     */
    static Optional<Path> update(Path target, Map<String, String> answers) {
      try {
        List<String> lines = Files.exists(target) ? Files.readAllLines(target, StandardCharsets.UTF_8) : new ArrayList<>();
        List<String> output = new ArrayList<>();
        Map<String, String> pending = new LinkedHashMap<>(answers);
        for (String line : lines) {
          String key = assignedKey(line);
          if (key != null && answers.containsKey(key)) {
            if (pending.containsKey(key)) {
              output.add(DotEnvFile.render(key, pending.remove(key)));
            }
            continue; // a later duplicate of an answered key would override the answer: drop it
          }
          output.add(line);
        }
        if (!pending.isEmpty()) {
          output.add("");
          output.add("# G.O.D tournament miner, written by `quarry god init` on " + LocalDateTime.now().withNano(0));
          pending.forEach((key, value) -> output.add(DotEnvFile.render(key, value)));
        }
        Path directory = target.getParent();
        Files.createDirectories(directory);
        Path temporary = directory.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(temporary);
        try {
          Files.createFile(temporary, PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        } catch (UnsupportedOperationException notPosix) {
          Files.createFile(temporary);
        }
        try {
          Files.writeString(temporary, String.join("\n", output) + "\n", StandardCharsets.UTF_8);
          Optional<Path> backup = Optional.empty();
          if (Files.exists(target)) {
            Path copy = target.resolveSibling(target.getFileName() + ".bak-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            Files.copy(target, copy, StandardCopyOption.REPLACE_EXISTING);
            try {
              Files.setPosixFilePermissions(copy, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            } catch (UnsupportedOperationException notPosix) {
              // nothing more to do on a non-POSIX file system
            }
            backup = Optional.of(copy);
          }
          try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException notAtomic) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
          }
          return backup;
        } finally {
          Files.deleteIfExists(temporary);
        }
      } catch (IOException failure) {
        throw new UserError("cannot write " + target + ": " + failure.getMessage(), failure);
      }
    }

    /** The variable a {@code .env} line assigns ({@code KEY=…} or {@code export KEY=…}), or null. */
    static String assignedKey(String line) {
      java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=").matcher(line);
      return matcher.find() ? matcher.group(1) : null;
    }
  }
}
