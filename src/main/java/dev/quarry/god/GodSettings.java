package dev.quarry.god;

import dev.quarry.config.ConfigurationError;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.config.Secret;
import dev.quarry.config.Variable;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The G.O.D miner's settings, validated at start-up: a bad value stops the miner with a message
 * naming the variable and the fix, never a half-working endpoint.
 *
 * <ul>
 *   <li>per family ({@link TournamentType}): repository ({@code https://github.com/<owner>/<repo>}),
 *       commit (full lowercase 40-hex SHA), optional token, datasets filtered with G.O.D's rule;
 *       family variables ({@code MINER_TEXT_TRAINING_REPO}, …) override the shared ones field by
 *       field; a family with neither repository nor commit is not offered; at least one must be;
 *   <li>{@code MIN_STAKE_THRESHOLD}, parsed like Python's {@code int()} as Fiber does;
 *   <li>the subnet (56, or 241 on testnet), listen address and port.
 * </ul>
 *
 * @param netuid the G.O.D subnet
 * @param host where the endpoint listens
 * @param port where the endpoint listens (0: any free port)
 * @param minStakeThreshold TAO a validator needs
 * @param repos what each offered family answers
 * @param stakeRefresh how often the metagraph is re-read (Fiber: 300 s)
 * @param metagraphCache where the last metagraph is kept across restarts (Fiber's nodes.json)
 * @param warnings things to tell the operator that do not stop the miner (dropped datasets, …)
 */
public record GodSettings(
    int netuid,
    String host,
    int port,
    BigInteger minStakeThreshold,
    Map<TournamentType, TrainingRepo> repos,
    Duration stakeRefresh,
    Path metagraphCache,
    List<String> warnings) {

  public static final int MAINNET_NETUID = 56;
  public static final int TESTNET_NETUID = 241;
  public static final int DEFAULT_PORT = 7999;
  public static final BigInteger DEFAULT_MIN_STAKE = BigInteger.valueOf(1000);
  /** Fiber's {@code Metagraph.periodically_sync_nodes} period. */
  public static final Duration FIBER_REFRESH = Duration.ofSeconds(300);

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern REPOSITORY = Pattern.compile(
      "https://github\\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100}?)(\\.git)?");

  public GodSettings {
    EnumMap<TournamentType, TrainingRepo> ordered = new EnumMap<>(TournamentType.class);
    ordered.putAll(repos);
    repos = java.util.Collections.unmodifiableMap(ordered);
    warnings = List.copyOf(warnings);
  }

  /** The same settings listening elsewhere (tests use port 0). */
  public GodSettings withListen(String newHost, int newPort) {
    return new GodSettings(netuid, newHost, newPort, minStakeThreshold, repos, stakeRefresh, metagraphCache, warnings);
  }

  public GodSettings withStakeRefresh(Duration value) {
    return new GodSettings(netuid, host, port, minStakeThreshold, repos, value, metagraphCache, warnings);
  }

  public GodSettings withMinStakeThreshold(BigInteger value) {
    return new GodSettings(netuid, host, port, value, repos, stakeRefresh, metagraphCache, warnings);
  }

  /**
   * Reads the G.O.D variables. {@code base} supplies the network (for the default subnet) and
   * Quarry's data directory (for the metagraph cache).
   *
   * @throws ConfigurationError listing every problem
   */
  public static GodSettings from(OperatorEnvironment environment, QuarrySettings base) {
    return from(environment, base.chain().network(), base.paths().dataDirectory(), DatasetWhitelist.shipped());
  }

  static GodSettings from(OperatorEnvironment environment, String network, Path dataDirectory, DatasetWhitelist whitelist) {
    Problems problems = new Problems(environment);
    int defaultNetuid = "test".equals(network) ? TESTNET_NETUID : MAINNET_NETUID;
    int netuid = problems.integer(Variable.QUARRY_GOD_NETUID, defaultNetuid, 0, 65535);
    String host = problems.raw(Variable.QUARRY_GOD_HOST).orElse("0.0.0.0");
    Variable.QUARRY_GOD_HOST.problemWith(host).ifPresent(text -> problems.add(Variable.QUARRY_GOD_HOST, "\"" + host + "\" " + text));
    int port = problems.integer(Variable.QUARRY_GOD_PORT, DEFAULT_PORT, 0, 65535);
    BigInteger threshold = problems.raw(Variable.MIN_STAKE_THRESHOLD).map(value -> {
      Optional<BigInteger> parsed = PythonInt.parse(value);
      if (parsed.isEmpty()) {
        problems.add(Variable.MIN_STAKE_THRESHOLD, "\"" + value + "\" is not a whole number of TAO (Fiber reads it with int()), e.g. 1000");
      }
      return parsed.orElse(DEFAULT_MIN_STAKE);
    }).orElse(DEFAULT_MIN_STAKE);

    Map<TournamentType, TrainingRepo> repos = new EnumMap<>(TournamentType.class);
    for (TournamentType type : TournamentType.values()) {
      readFamily(type, problems, whitelist).ifPresent(repo -> repos.put(type, repo));
    }
    if (repos.isEmpty() && problems.isEmpty()) {
      problems.add(Variable.MINER_TRAINING_REPO, "is not set: the miner has nothing to offer. Set MINER_TRAINING_REPO and "
          + "MINER_TRAINING_COMMIT (or the MINER_TEXT_/IMAGE_/ENVIRONMENT_ ones), or run `quarry god init`");
    }
    problems.throwIfAny();
    Path cache = dataDirectory.resolve("god").resolve("metagraph-" + netuid + ".json");
    return new GodSettings(netuid, host, port, threshold, repos, FIBER_REFRESH, cache, problems.warnings);
  }

  private static Optional<TrainingRepo> readFamily(TournamentType type, Problems problems, DatasetWhitelist whitelist) {
    String family = type.name();
    Variable repoVariable = pick(problems, "MINER_" + family + "_TRAINING_REPO", Variable.MINER_TRAINING_REPO);
    Variable commitVariable = pick(problems, "MINER_" + family + "_TRAINING_COMMIT", Variable.MINER_TRAINING_COMMIT);
    Variable tokenVariable = pick(problems, "MINER_" + family + "_GITHUB_TOKEN", Variable.MINER_GITHUB_TOKEN);
    Variable datasetsVariable = pick(problems, "MINER_" + family + "_REQUESTED_DATASETS", Variable.MINER_REQUESTED_DATASETS);
    Optional<String> repo = problems.raw(repoVariable);
    Optional<String> commit = problems.raw(commitVariable);
    if (repo.isEmpty() && commit.isEmpty()) {
      return Optional.empty();
    }
    String label = type.wireName() + " tournaments";
    if (repo.isEmpty()) {
      problems.add(repoVariable, "is not set but " + commitVariable.name() + " is; " + label
          + " need both: set MINER_" + family + "_TRAINING_REPO or MINER_TRAINING_REPO");
      return Optional.empty();
    }
    if (commit.isEmpty()) {
      problems.add(commitVariable, "is not set but " + repoVariable.name() + " is; " + label
          + " need the full commit SHA: set MINER_" + family + "_TRAINING_COMMIT or MINER_TRAINING_COMMIT (git rev-parse HEAD)");
      return Optional.empty();
    }
    Optional<String> problem = repositoryProblem(repo.get());
    problem.ifPresent(text -> problems.add(repoVariable, text));
    Optional<String> commitProblem = commitProblem(commit.get());
    commitProblem.ifPresent(text -> problems.add(commitVariable, text));
    Optional<Secret> token = problems.raw(tokenVariable).map(Secret::of);
    token.flatMap(GodSettings::tokenProblem).ifPresent(text -> problems.add(tokenVariable, text));
    List<String> requested = problems.raw(datasetsVariable).map(GodSettings::splitDatasets).orElse(List.of());
    DatasetWhitelist.Selection selection = whitelist.select(requested);
    for (String dropped : selection.notWhitelisted()) {
      String hint = whitelist.caseInsensitiveMatch(dropped).map(match -> " (did you mean " + match + "? names are case-sensitive)")
          .orElse(" (see docs/god.md for the list)");
      problems.warn(datasetsVariable.name() + ": " + dropped + " is not on G.O.D's dataset whitelist and is left out" + hint);
    }
    for (String dropped : selection.beyondLimit()) {
      problems.warn(datasetsVariable.name() + ": " + dropped + " is left out: validators take at most "
          + DatasetWhitelist.MAX_REQUESTED + " datasets");
    }
    if (problem.isPresent() || commitProblem.isPresent()) {
      return Optional.empty();
    }
    return Optional.of(new TrainingRepo(repo.get(), commit.get(), token, selection.kept()));
  }

  /** The family variable when it is set, else the shared one. */
  private static Variable pick(Problems problems, String familyName, Variable shared) {
    Variable family = Variable.valueOf(familyName);
    return problems.raw(family).isPresent() ? family : shared;
  }

  /** Why a repository URL is unusable, phrased without echoing a URL that may embed a token. */
  public static Optional<String> repositoryProblem(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException notAUri) {
      return Optional.of("is not a URL; use https://github.com/<owner>/<repo>");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("has credentials in the URL; put the token in MINER_GITHUB_TOKEN and use https://github.com/<owner>/<repo>");
    }
    if (!REPOSITORY.matcher(value).matches()) {
      String shown = "\"" + value + "\"";
      if (!"https".equalsIgnoreCase(uri.getScheme())) {
        return Optional.of(shown + " is not an https URL; validators clone https://github.com/<owner>/<repo>");
      }
      if (uri.getHost() == null || !uri.getHost().equalsIgnoreCase("github.com")) {
        return Optional.of(shown + " is not on github.com; G.O.D validators only clone GitHub repositories");
      }
      return Optional.of(shown + " is not https://github.com/<owner>/<repo> (no trailing slash, path, query or port)");
    }
    Matcher matcher = REPOSITORY.matcher(value);
    matcher.matches();
    if (matcher.group(2).equals(".") || matcher.group(2).equals("..")) {
      return Optional.of("\"" + value + "\" has no repository name");
    }
    return Optional.empty();
  }

  /** Why a commit is unusable. */
  public static Optional<String> commitProblem(String value) {
    if (COMMIT.matcher(value).matches()) {
      return Optional.empty();
    }
    if (value.length() == 40 && COMMIT.matcher(value.toLowerCase(Locale.ROOT)).matches()) {
      return Optional.of("\"" + value + "\" has upper-case letters; use the lowercase SHA git prints");
    }
    if (value.matches("[0-9a-fA-F]{4,39}")) {
      return Optional.of("\"" + value + "\" is an abbreviated SHA; use all 40 characters (git rev-parse " + value + ")");
    }
    return Optional.of("\"" + value + "\" is not a commit SHA; G.O.D validators reject branch and tag names, "
        + "use the full 40-character SHA (git rev-parse " + (value.matches("[A-Za-z0-9._/-]{1,100}") ? value : "<branch>") + ")");
  }

  /** Why a token is unusable; never quotes it. */
  public static Optional<String> tokenProblem(Secret token) {
    String value = token.reveal();
    if (value.chars().anyMatch(c -> Character.isWhitespace(c) || c < 0x21 || c > 0x7e)) {
      return Optional.of("contains whitespace or characters a GitHub token does not have");
    }
    return Optional.empty();
  }

  /** {@code a, b ,c} → {@code [a, b, c]}; blanks skipped. */
  public static List<String> splitDatasets(String value) {
    List<String> names = new ArrayList<>();
    Arrays.stream(value.split(",")).map(String::strip).filter(name -> !name.isEmpty()).forEach(names::add);
    return names;
  }

  /** Collects every problem and warning, like {@code QuarrySettings}' reader. */
  private static final class Problems {
    private final OperatorEnvironment environment;
    private final List<ConfigurationError.Problem> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    Problems(OperatorEnvironment environment) {
      this.environment = environment;
    }

    Optional<String> raw(Variable variable) {
      return environment.get(variable.name()).map(String::strip).filter(value -> !value.isEmpty());
    }

    void add(Variable variable, String message) {
      String subject = environment.get(variable.name()).isPresent()
          ? variable.name() + " (" + environment.originOf(variable.name()) + ")"
          : variable.name();
      problems.add(new ConfigurationError.Problem(subject, message));
    }

    int integer(Variable variable, int fallback, int min, int max) {
      Optional<String> value = raw(variable);
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value.get());
        if (parsed < min || parsed > max) {
          add(variable, "\"" + value.get() + "\" is out of range (" + min + " to " + max + ")");
          return fallback;
        }
        return parsed;
      } catch (NumberFormatException notANumber) {
        add(variable, "\"" + value.get() + "\" is not a whole number");
        return fallback;
      }
    }

    boolean isEmpty() {
      return problems.isEmpty();
    }

    /** A shared variable is read once per family; say each thing once. */
    void warn(String warning) {
      if (!warnings.contains(warning)) {
        warnings.add(warning);
      }
    }

    void throwIfAny() {
      if (!problems.isEmpty()) {
        throw new ConfigurationError(problems);
      }
    }
  }
}
