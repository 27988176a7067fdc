package dev.quarry.config;

import dev.quarry.grail.protocol.ReadCredentialCommitment;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Every operator setting, typed and validated. Build it once at startup with {@link
 * #from(OperatorEnvironment)} and hand the parts to the areas that need them: {@link #chain()} to
 * the chain client, {@link #wallet()} to the wallet loader, {@link #requireStorage()} to the storage
 * area, {@link #drand()} to the drand client, {@link #devices()} to the model area, {@link
 * #environments()} to the environments (datasets, code sandbox), {@link
 * #node()} to {@link ClusterConfiguration}.
 *
 * <p>Loading reports every problem at once in a {@link ConfigurationError}; each names the variable,
 * where it was set, and the fix. Records print secrets as {@value Secret#REDACTED}.
 *
 * @param storage empty when no {@code R2_*} variable is set (for commands that do not upload)
 * @param warnings things worth telling the operator that do not stop Quarry (misspelt names,
 *     values the environment overrides in {@code .env}); names only, never values
 */
public record QuarrySettings(
    ChainSettings chain,
    WalletSettings wallet,
    Optional<BucketSettings> storage,
    MiningSettings mining,
    DrandSettings drand,
    DeviceSettings devices,
    PathSettings paths,
    EnvironmentSettings environments,
    NodeSettings node,
    List<String> warnings) {

  public QuarrySettings {
    warnings = List.copyOf(warnings);
  }

  /** Reads and checks every variable; the user's home directory comes from {@code user.home}. */
  public static QuarrySettings from(OperatorEnvironment environment) {
    return from(environment, Path.of(System.getProperty("user.home")));
  }

  /** As {@link #from(OperatorEnvironment)}, with an explicit home directory for {@code ~}. */
  public static QuarrySettings from(OperatorEnvironment environment, Path home) {
    Reader reader = new Reader(environment, home);
    ChainSettings chain = readChain(reader);
    WalletSettings wallet = readWallet(reader, home);
    Optional<BucketSettings> storage = readStorage(reader);
    MiningSettings mining = new MiningSettings(reader.integer(Variable.GRAIL_MINER_SAFETY_BLOCKS, 3, 0, 29));
    DrandSettings drand = new DrandSettings(
        reader.bool(Variable.QUARRY_DRAND, true),
        reader.parsed(Variable.QUARRY_DRAND_RELAYS, value -> Values.list(value, item -> Values.uri(item, Set.of("http", "https")))).orElse(List.of()),
        reader.seconds(Variable.QUARRY_DRAND_TIMEOUT, DrandSettings.DEFAULT_REQUEST_TIMEOUT, 0.1, 120));
    DeviceSettings devices = readDevices(reader);
    Path cacheRoot = reader.path(Variable.GRAIL_CACHE_DIR, home.resolve(".cache").resolve("grail"));
    PathSettings paths = new PathSettings(
        reader.path(Variable.QUARRY_DATA_DIR, home.resolve(".quarry")),
        cacheRoot.resolve("checkpoints"),
        reader.path(Variable.HF_HOME, home.resolve(".cache").resolve("huggingface")));
    String python = reader.text(Variable.QUARRY_PYTHON, "python3");
    EnvironmentSettings environments = new EnvironmentSettings(
        python,
        reader.text(Variable.QUARRY_KERNEL_PYTHON, python),
        reader.integer(Variable.QUARRY_SANDBOX_WORKERS, 4, 1, 256),
        reader.parsed(Variable.QUARRY_DATASET_DIR, text -> Values.path(text, home).toAbsolutePath().normalize()),
        reader.parsed(Variable.HF_ENDPOINT, value -> Values.uri(value, Set.of("http", "https"))).orElse(EnvironmentSettings.DEFAULT_ENDPOINT),
        reader.secret(Variable.HF_TOKEN));
    NodeSettings node = new NodeSettings(
        reader.parsed(Variable.QUARRY_NODE_ROLES, NodeSettings::parseRoles),
        reader.parsed(Variable.QUARRY_CLUSTER_HOST, Values::host),
        reader.optionalInteger(Variable.QUARRY_CLUSTER_PORT, 0, 65535),
        reader.parsed(Variable.QUARRY_SEED_NODES, value -> Values.list(value, Values::hostPort).stream()
            .map(seed -> (seed.host().contains(":") ? "[" + seed.host() + "]" : seed.host()) + ":" + seed.port())
            .toList()),
        reader.parsed(Variable.QUARRY_MANAGEMENT_HOST, Values::host),
        reader.optionalInteger(Variable.QUARRY_MANAGEMENT_PORT, 0, 65535));
    reader.checkUnknownNames();
    reader.throwIfProblems();
    return new QuarrySettings(chain, wallet, storage, mining, drand, devices, paths, environments, node, reader.warnings);
  }

  /**
   * The bucket settings, for commands that upload; a {@link ConfigurationError} explaining what to
   * set when no {@code R2_*} variable is configured.
   */
  public BucketSettings requireStorage() {
    return storage.orElseThrow(() -> new ConfigurationError(
        "R2_ACCOUNT_ID",
        "object storage is not configured; set R2_ACCOUNT_ID, R2_BUCKET_ID, R2_WRITE_ACCESS_KEY_ID, "
            + "R2_WRITE_SECRET_ACCESS_KEY, R2_READ_ACCESS_KEY_ID and R2_READ_SECRET_ACCESS_KEY (run `quarry init`)"));
  }

  /** One row of {@link #describe(OperatorEnvironment)}. */
  public record EffectiveValue(String variable, String value, String origin) {}

  /**
   * Every catalog variable with the value in effect and where it came from, secrets shown as
   * {@value Secret#REDACTED} or "(not set)". What {@code quarry doctor} and startup logs print.
   */
  public static List<EffectiveValue> describe(OperatorEnvironment environment) {
    List<EffectiveValue> rows = new ArrayList<>();
    for (Variable variable : Variable.values()) {
      Optional<String> raw = environment.get(variable.name()).filter(value -> !value.isBlank());
      String shown;
      if (raw.isEmpty()) {
        shown = variable.defaultValue().isEmpty() ? "(not set)" : variable.defaultValue() + " (default)";
      } else if (variable.secret()) {
        shown = Secret.REDACTED;
      } else {
        shown = raw.get().trim();
      }
      rows.add(new EffectiveValue(variable.name(), shown, raw.isEmpty() ? "default" : environment.originOf(variable.name())));
    }
    return rows;
  }

  private static ChainSettings readChain(Reader reader) {
    String network = reader.parsed(Variable.BT_NETWORK, value -> Values.oneOf(value, ChainSettings.NAMED_NETWORKS.keySet()))
        .orElse("finney");
    Optional<URI> explicit = reader.parsed(Variable.BT_CHAIN_ENDPOINT, value -> Values.uri(value, Set.of("ws", "wss")));
    URI endpoint = explicit.orElse(ChainSettings.NAMED_NETWORKS.getOrDefault(network, ChainSettings.NAMED_NETWORKS.get("finney")));
    return new ChainSettings(
        explicit.isPresent() ? "custom" : network,
        endpoint,
        reader.integer(Variable.NETUID, ChainSettings.GRAIL_MAINNET_NETUID, 0, 65535),
        reader.seconds(Variable.BT_CALL_TIMEOUT, Duration.ofSeconds(15), 0.1, 3600),
        reader.integer(Variable.BT_CALL_RETRIES, 3, 0, 100));
  }

  private static final List<Variable> STORAGE_IDENTITY = List.of(
      Variable.R2_ACCOUNT_ID, Variable.R2_BUCKET_ID,
      Variable.R2_WRITE_ACCESS_KEY_ID, Variable.R2_WRITE_SECRET_ACCESS_KEY,
      Variable.R2_READ_ACCESS_KEY_ID, Variable.R2_READ_SECRET_ACCESS_KEY);

  private static Optional<BucketSettings> readStorage(Reader reader) {
    boolean anySet = STORAGE_IDENTITY.stream().anyMatch(reader::isSet);
    Optional<URI> endpointOverride = reader.parsed(Variable.R2_ENDPOINT_URL, value -> Values.uri(value, Set.of("http", "https")));
    String region = reader.text(Variable.R2_REGION, BucketSettings.DEFAULT_REGION);
    boolean pathStyle = reader.bool(Variable.R2_FORCE_PATH_STYLE, false);
    Duration uploadTimeout = reader.seconds(Variable.UPLOAD_TIMEOUT, BucketSettings.DEFAULT_UPLOAD_TIMEOUT, 1, 3600);
    boolean allowSingleCredential = reader.bool(Variable.QUARRY_ALLOW_SINGLE_CREDENTIAL, false);
    if (!anySet) {
      return Optional.empty();
    }
    Optional<String> account = reader.required(Variable.R2_ACCOUNT_ID, value -> {
      BucketSettings.checkAccountId(value, false);
      return value;
    }, "your Cloudflare account id (dash.cloudflare.com → Account → Overview)");
    Optional<String> bucket = reader.parsed(Variable.R2_BUCKET_ID, value -> {
      BucketSettings.checkAccountId(value, true);
      return value;
    });
    if (account.isPresent() && endpointOverride.isEmpty() && !account.get().matches("[0-9a-f]{32}")) {
      reader.problem(Variable.R2_ACCOUNT_ID, "is not a Cloudflare account id (32 lowercase hex characters); "
          + "set R2_ENDPOINT_URL too if you use another S3 store");
    }
    if (account.isPresent() && bucket.isPresent() && !bucket.get().equals(account.get())) {
      reader.problem(Variable.R2_BUCKET_ID, "is \"" + bucket.get() + "\" but must equal R2_ACCOUNT_ID (" + account.get()
          + "): validators find your files in the bucket named after the account id you publish on chain. Create a "
          + "bucket named '" + account.get() + "' (location ENAM) and set R2_BUCKET_ID to it, or fix R2_ACCOUNT_ID");
    }
    Optional<AccessKey> write = readWriteKey(reader, "the key id of an R2 API token with Edit permission",
        "the secret of that Edit token");
    Optional<AccessKey> read = reader.isSet(Variable.R2_READ_ACCESS_KEY_ID) || reader.isSet(Variable.R2_READ_SECRET_ACCESS_KEY)
        ? readKey(reader, write)
        : singleCredential(reader, allowSingleCredential, write);
    if (account.isEmpty() || write.isEmpty() || read.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new BucketSettings(
        account.get(),
        bucket.orElse(account.get()),
        endpointOverride.orElse(BucketSettings.cloudflareEndpoint(account.get())),
        region,
        pathStyle,
        write.get(),
        read.get(),
        uploadTimeout));
  }

  /** The separate read-only key: both halves set, publishable, and not the write key. */
  /** {@code R2_WRITE_ACCESS_KEY_ID} and {@code R2_WRITE_SECRET_ACCESS_KEY}, both required. */
  private static Optional<AccessKey> readWriteKey(Reader reader, String idPurpose, String secretPurpose) {
    Optional<String> id = reader.required(Variable.R2_WRITE_ACCESS_KEY_ID, value -> {
      BucketSettings.checkKeyId(value);
      return value;
    }, idPurpose);
    Optional<Secret> secret = reader.requiredSecret(Variable.R2_WRITE_SECRET_ACCESS_KEY, BucketSettings::checkSecret, secretPurpose);
    return id.isPresent() && secret.isPresent() ? Optional.of(new AccessKey(id.get(), secret.get())) : Optional.empty();
  }

  private static Optional<AccessKey> readKey(Reader reader, Optional<AccessKey> write) {
    List<Variable> halves = List.of(Variable.R2_READ_ACCESS_KEY_ID, Variable.R2_READ_SECRET_ACCESS_KEY);
    for (int i = 0; i < 2; i++) {
      if (!reader.isSet(halves.get(i))) {
        reader.problem(halves.get(i), "is not set but " + halves.get(1 - i).name() + " is; set both, to the key id and "
            + "secret of an R2 API token with Read permission");
      }
    }
    Optional<String> readId = reader.parsed(Variable.R2_READ_ACCESS_KEY_ID, value -> {
      BucketSettings.checkPublishedKeyId(value);
      return value;
    });
    Optional<Secret> readSecret = reader.parsed(Variable.R2_READ_SECRET_ACCESS_KEY, value -> {
      BucketSettings.checkPublishedSecret(value);
      return Secret.of(value);
    });
    if (readId.isPresent() && write.isPresent() && readId.get().equals(write.get().accessKeyId())) {
      reader.problem(Variable.R2_READ_ACCESS_KEY_ID, "is the same key as R2_WRITE_ACCESS_KEY_ID; the read key is "
          + "published on chain, so it must be a separate token with Read permission only (to publish the write key "
          + "deliberately, leave R2_READ_* unset and set QUARRY_ALLOW_SINGLE_CREDENTIAL=true)");
      return Optional.empty();
    }
    return readId.isPresent() && readSecret.isPresent() ? Optional.of(new AccessKey(readId.get(), readSecret.get())) : Optional.empty();
  }

  /**
   * No read key: Grail's single-credential fallback publishes the write key on chain, which hands
   * everyone write access to the bucket. Only with the explicit opt-in, and then with a warning.
   */
  private static Optional<AccessKey> singleCredential(Reader reader, boolean allowed, Optional<AccessKey> write) {
    if (!allowed) {
      reader.problem(Variable.R2_READ_ACCESS_KEY_ID, "is not set (nor R2_READ_SECRET_ACCESS_KEY). Grail would then publish "
          + "your WRITE keys on chain for validators to read with; Quarry refuses unless you opt in. Either create a "
          + "second R2 API token with Read permission on the bucket and set R2_READ_ACCESS_KEY_ID and "
          + "R2_READ_SECRET_ACCESS_KEY (recommended), or set QUARRY_ALLOW_SINGLE_CREDENTIAL=true to publish the write "
          + "keys as Grail does");
      return Optional.empty();
    }
    if (write.isEmpty()) {
      return write;
    }
    // The write key is what gets published, so the commitment's limits apply to it.
    Optional<String> publishedId = reader.parsed(Variable.R2_WRITE_ACCESS_KEY_ID,
        value -> publishedAsReadKey(ReadCredentialCommitment.Field.ACCESS_KEY_ID, value));
    Optional<String> publishedSecret = reader.parsed(Variable.R2_WRITE_SECRET_ACCESS_KEY,
        value -> publishedAsReadKey(ReadCredentialCommitment.Field.SECRET_ACCESS_KEY, value));
    if (publishedId.isEmpty() || publishedSecret.isEmpty()) {
      return Optional.empty();
    }
    reader.warn("QUARRY_ALLOW_SINGLE_CREDENTIAL=true and R2_READ_ACCESS_KEY_ID / R2_READ_SECRET_ACCESS_KEY are not set: "
        + "the WRITE key (R2_WRITE_ACCESS_KEY_ID, R2_WRITE_SECRET_ACCESS_KEY) is published on chain as the read "
        + "credential, so anyone can overwrite or delete the files in your bucket. Create an R2 API token with Read "
        + "permission and set R2_READ_ACCESS_KEY_ID and R2_READ_SECRET_ACCESS_KEY to stop publishing it");
    return write;
  }

  private static String publishedAsReadKey(ReadCredentialCommitment.Field field, String value) {
    field.problemWith(value).ifPresent(problem -> {
      throw new IllegalArgumentException(problem + " (with QUARRY_ALLOW_SINGLE_CREDENTIAL=true it is published as the "
          + field.description() + ")");
    });
    return value;
  }

  /**
   * Only the write key ({@code R2_WRITE_ACCESS_KEY_ID}, {@code R2_WRITE_SECRET_ACCESS_KEY}), checked as
   * when loading everything: the embedded S3 server signs with it and needs no bucket, account or
   * read key.
   */
  public static AccessKey writeKey(OperatorEnvironment environment) {
    Reader reader = new Reader(environment, Path.of(System.getProperty("user.home")));
    Optional<AccessKey> key = readWriteKey(reader, "the key id clients of the server sign with",
        "the secret clients of the server sign with");
    reader.throwIfProblems();
    return key.orElseThrow();
  }

  /**
   * Only the wallet variables, checked as when loading everything: for {@code quarry wallet}, which
   * must work whatever else the {@code .env} holds.
   */
  public static WalletSettings wallet(OperatorEnvironment environment) {
    Path home = Path.of(System.getProperty("user.home"));
    Reader reader = new Reader(environment, home);
    WalletSettings wallet = readWallet(reader, home);
    reader.throwIfProblems();
    return wallet;
  }

  /**
   * Grail's names win; btcli's (what btcli and the bittensor SDK read) are the fallback, so a wallet
   * configured either way resolves the same for mine, doctor and wallet.
   */
  private static WalletSettings readWallet(Reader reader, Path home) {
    return new WalletSettings(
        reader.text(Variable.BT_WALLET_COLD, reader.text(Variable.BT_WALLET_NAME, "default")),
        reader.text(Variable.BT_WALLET_HOT, reader.text(Variable.BT_WALLET_HOTKEY, "default")),
        reader.path(Variable.BT_WALLET_PATH, home.resolve(".bittensor").resolve("wallets")),
        reader.secret(Variable.QUARRY_WALLET_PASSWORD));
  }

  private static DeviceSettings readDevices(Reader reader) {
    OptionalInt grailGenerationGpu = reader.optionalInteger(Variable.GRAIL_PIPELINE_VLLM_GPU, 0, 1023);
    OptionalInt grailTensorParallel = reader.optionalInteger(Variable.GRAIL_PIPELINE_VLLM_TP, 1, 64);
    OptionalInt grailProofGpu = reader.optionalInteger(Variable.GRAIL_PIPELINE_PROOF_GPU, 0, 1023);
    DeviceSettings.DeviceSelection generation = reader.parsed(Variable.QUARRY_GENERATION_DEVICES, DeviceSettings::parseSelection)
        .orElseGet(() -> {
          if (grailGenerationGpu.isEmpty() && grailTensorParallel.isEmpty()) {
            return DeviceSettings.DeviceSelection.auto();
          }
          int first = grailGenerationGpu.orElse(0);
          List<DeviceSettings.Device> gpus = new ArrayList<>();
          for (int offset = 0; offset < grailTensorParallel.orElse(1); offset++) {
            gpus.add(DeviceSettings.Device.gpu(first + offset));
          }
          return DeviceSettings.DeviceSelection.of(gpus);
        });
    DeviceSettings.DeviceSelection proof = reader.parsed(Variable.QUARRY_PROOF_DEVICE, DeviceSettings::parseSelection)
        .orElseGet(() -> grailProofGpu.isPresent()
            ? DeviceSettings.DeviceSelection.of(List.of(DeviceSettings.Device.gpu(grailProofGpu.getAsInt())))
            : DeviceSettings.DeviceSelection.auto());
    if (proof.devices().size() > 1) {
      reader.problem(Variable.QUARRY_PROOF_DEVICE, "names " + proof.devices().size() + " devices; proofs run on one device");
    }
    boolean gpuEval = reader.bool(Variable.GRAIL_GPU_EVAL, false);
    List<Integer> evalGpus = reader.parsed(Variable.KERNEL_EVAL_GPU_IDS, value -> Values.list(value, item -> Values.integer(item, 0, 1023)))
        .orElse(List.of());
    if (gpuEval && evalGpus.isEmpty()) {
      reader.problem(Variable.KERNEL_EVAL_GPU_IDS, "is empty but GRAIL_GPU_EVAL=true; list the GPUs for kernel evaluation "
          + "(e.g. KERNEL_EVAL_GPU_IDS=2) or set GRAIL_GPU_EVAL=false");
    }
    return new DeviceSettings(
        generation,
        proof,
        reader.integer(Variable.GRAIL_PIPELINE_MAX_MODEL_LEN, 12288, 256, 1_048_576),
        reader.integer(Variable.GRAIL_PIPELINE_MAX_NUM_SEQS, 64, 1, 4096),
        reader.decimal(Variable.GRAIL_PIPELINE_GPU_MEM_UTIL, 0.90, 0.05, 1.0),
        new DeviceSettings.KernelEvaluation(
            gpuEval,
            evalGpus,
            reader.parsed(Variable.KERNEL_EVAL_BACKEND, value -> Values.oneOf(value, Set.of("persistent", "subprocess"))).orElse("persistent"),
            reader.seconds(Variable.KERNEL_EVAL_TIMEOUT, Duration.ofSeconds(60), 1, 3600)));
  }

  /** Reads variables, remembering every problem instead of stopping at the first. */
  private static final class Reader {
    private final OperatorEnvironment environment;
    private final Path home;
    private final List<ConfigurationError.Problem> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    Reader(OperatorEnvironment environment, Path home) {
      this.environment = environment;
      this.home = home;
    }

    boolean isSet(Variable variable) {
      return environment.get(variable.name()).filter(value -> !value.isBlank()).isPresent();
    }

    private Optional<String> raw(Variable variable) {
      return environment.get(variable.name()).map(String::trim).filter(value -> !value.isEmpty());
    }

    private String subject(Variable variable) {
      return environment.get(variable.name()).isPresent()
          ? variable.name() + " (" + environment.originOf(variable.name()) + ")"
          : variable.name();
    }

    void problem(Variable variable, String message) {
      problems.add(new ConfigurationError.Problem(subject(variable), message));
    }

    private void invalid(Variable variable, String value, String reason) {
      String shown = variable.secret() ? "the value" : "\"" + value + "\"";
      String example = variable.defaultValue().isEmpty() || variable.secret() ? "" : " (default: " + variable.defaultValue() + ")";
      problem(variable, shown + " " + reason + example);
    }

    <T> Optional<T> parsed(Variable variable, Function<String, T> parser) {
      Optional<String> value = raw(variable);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(parser.apply(value.get()));
      } catch (IllegalArgumentException bad) {
        invalid(variable, value.get(), bad.getMessage());
        return Optional.empty();
      }
    }

    <T> Optional<T> required(Variable variable, Function<String, T> parser, String what) {
      if (raw(variable).isEmpty()) {
        problem(variable, "is not set; set it to " + what);
        return Optional.empty();
      }
      return parsed(variable, parser);
    }

    Optional<Secret> secret(Variable variable) {
      return raw(variable).map(Secret::of);
    }

    Optional<Secret> requiredSecret(Variable variable, Consumer<String> check, String what) {
      return required(variable, value -> {
        check.accept(value);
        return Secret.of(value);
      }, what);
    }

    /** A warning for the operator: names only, never values. */
    void warn(String message) {
      warnings.add(message);
    }

    String text(Variable variable, String fallback) {
      Optional<String> value = raw(variable);
      if (value.isPresent()) {
        variable.problemWith(value.get()).ifPresent(reason -> invalid(variable, value.get(), reason));
      }
      return value.orElse(fallback);
    }

    int integer(Variable variable, int fallback, int min, int max) {
      return optionalInteger(variable, min, max).orElse(fallback);
    }

    OptionalInt optionalInteger(Variable variable, int min, int max) {
      Optional<Integer> value = parsed(variable, text -> Values.integer(text, min, max));
      return value.map(OptionalInt::of).orElseGet(OptionalInt::empty);
    }

    double decimal(Variable variable, double fallback, double min, double max) {
      return parsed(variable, text -> Values.decimal(text, min, max)).orElse(fallback);
    }

    Duration seconds(Variable variable, Duration fallback, double min, double max) {
      return parsed(variable, text -> Values.seconds(text, min, max)).orElse(fallback);
    }

    boolean bool(Variable variable, boolean fallback) {
      return parsed(variable, Values::bool).orElse(fallback);
    }

    Path path(Variable variable, Path fallback) {
      return parsed(variable, text -> Values.path(text, home)).orElse(fallback).toAbsolutePath().normalize();
    }

    /** QUARRY_* names Quarry does not know are errors; misspelt {@code .env} names are warnings. */
    void checkUnknownNames() {
      for (String name : environment.declaredInFile()) {
        if (Variable.named(name).isPresent() || Variable.isGrailVariableWithoutEffect(name) || name.startsWith("QUARRY_")) {
          continue;
        }
        Variable.closestTo(name).ifPresent(closest -> warnings.add(
            name + " (" + environment.originOf(name) + ") is not read by Quarry; did you mean " + closest.name() + "?"));
      }
      // Quarry's own names are checked wherever they are set: a misspelt one would silently do nothing.
      environment.names().stream().filter(name -> name.startsWith("QUARRY_")).sorted().forEach(this::checkQuarryName);
      for (String name : environment.shadowedByProcess()) {
        if (Variable.named(name).isPresent()) {
          warnings.add(name + " is set both in the environment and in " + environment.dotenvFile().map(Path::getFileName).orElse(null)
              + " with different values; the environment wins (Grail would use the file)");
        }
      }
    }

    private void checkQuarryName(String name) {
      if (Variable.named(name).isPresent() || name.equals("QUARRY_HOME") || name.equals("QUARRY_ENV_FILE")
          || name.equals("QUARRY_DJL_OFFLINE")) {
        return;
      }
      String hint = Variable.closestTo(name).map(closest -> "; did you mean " + closest.name() + "?").orElse("; see .env.example for the list");
      problems.add(new ConfigurationError.Problem(name + " (" + environment.originOf(name) + ")", "is not a Quarry variable" + hint));
    }

    void throwIfProblems() {
      if (!problems.isEmpty()) {
        throw new ConfigurationError(problems);
      }
    }
  }
}
