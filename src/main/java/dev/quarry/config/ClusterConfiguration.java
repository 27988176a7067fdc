package dev.quarry.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the HOCON configuration an actor system starts with. Layers, lowest first: Pekko's
 * {@code reference.conf} defaults, {@code conf/quarry.conf}, the operator's {@code -Dconfig.file},
 * the {@code QUARRY_*} overrides from {@link NodeSettings}, and {@code -D} system properties.
 *
 * <p>A file that does not parse, or a Quarry setting with the wrong type, is a {@link
 * ConfigurationError} naming the file and line.
 */
public final class ClusterConfiguration {

  /** The file name in the distribution's {@code conf/} directory. */
  public static final String FILE_NAME = "quarry.conf";

  private ClusterConfiguration() {}

  /**
   * Where {@code conf/quarry.conf} is: under {@code -Dquarry.home} (set by the launcher), else
   * {@code $QUARRY_HOME}, else {@code -Dquarry.project.dir} (a source checkout), else {@code ./conf}.
   * Returns the first candidate that exists, or the first candidate when none does.
   */
  public static Path defaultBaseFile() {
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(System.getProperty("quarry.home")).ifPresent(home -> candidates.add(Path.of(home, "conf", FILE_NAME)));
    Optional.ofNullable(System.getenv("QUARRY_HOME")).ifPresent(home -> candidates.add(Path.of(home, "conf", FILE_NAME)));
    Optional.ofNullable(System.getProperty("quarry.project.dir")).ifPresent(dir -> candidates.add(Path.of(dir, "conf", FILE_NAME)));
    candidates.add(Path.of("conf", FILE_NAME));
    return candidates.stream().filter(Files::isRegularFile).findFirst().orElse(candidates.get(0));
  }

  /**
   * The full configuration: {@link #defaultBaseFile()}, {@code -Dconfig.file} if given, the node's
   * overrides and system properties.
   */
  public static Config load(NodeSettings node) {
    Optional<Path> operatorFile = Optional.ofNullable(System.getProperty("config.file")).map(Path::of);
    return load(defaultBaseFile(), operatorFile, node, ConfigFactory.systemProperties());
  }

  /**
   * The full configuration from explicit layers.
   *
   * @param baseFile {@code conf/quarry.conf}; must exist
   * @param operatorFile an optional site file layered over it; must exist when given
   * @param node the environment's overrides
   * @param topmost a final layer, normally {@link ConfigFactory#systemProperties()}
   */
  public static Config load(Path baseFile, Optional<Path> operatorFile, NodeSettings node, Config topmost) {
    Config stack = parseFile(baseFile, "the Quarry installation is incomplete; reinstall it or set QUARRY_HOME");
    if (operatorFile.isPresent()) {
      stack = parseFile(operatorFile.get(), "check -Dconfig.file").withFallback(stack);
    }
    Config beforeOverrides = stack.withFallback(ConfigFactory.defaultReference());
    String systemName = checkedActorSystemName(topmost.withFallback(beforeOverrides));
    Config overrides = ConfigFactory.empty("QUARRY_* environment variables");
    for (Map.Entry<String, Object> override : node.hoconOverrides(systemName).entrySet()) {
      overrides = overrides.withValue(
          override.getKey(), ConfigValueFactory.fromAnyRef(override.getValue(), "QUARRY_* environment variable"));
    }
    Config resolved;
    try {
      resolved = topmost.withFallback(overrides).withFallback(beforeOverrides).resolve(ConfigResolveOptions.defaults());
    } catch (ConfigException problem) {
      throw fromConfigException(problem);
    }
    checkQuarrySection(resolved);
    return resolved;
  }

  private static Config parseFile(Path file, String missingHint) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigurationError(file.toString(), "HOCON file not found; " + missingHint);
    }
    try {
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException problem) {
      throw fromConfigException(problem);
    }
  }

  private static String checkedActorSystemName(Config config) {
    try {
      String name = config.getString("quarry.actor-system-name");
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
        throw new ConfigurationError(
            location(config.getValue("quarry.actor-system-name").origin(), "quarry.actor-system-name"),
            "\"" + name + "\" is not a valid actor system name (letters, digits, '-' and '_')");
      }
      return name;
    } catch (ConfigException problem) {
      throw fromConfigException(problem);
    }
  }

  private static void checkQuarrySection(Config config) {
    List<ConfigurationError.Problem> problems = new ArrayList<>();
    checkPort(config, "quarry.management.port", problems);
    checkPort(config, "pekko.remote.artery.canonical.port", problems);
    for (String path : List.of("quarry.management.host", "pekko.remote.artery.canonical.hostname")) {
      try {
        config.getString(path);
      } catch (ConfigException problem) {
        problems.add(problemOf(problem, path));
      }
    }
    for (String dispatcher : List.of("quarry.dispatchers.blocking-io", "quarry.dispatchers.model")) {
      if (!config.hasPath(dispatcher + ".type")) {
        problems.add(new ConfigurationError.Problem(dispatcher, "is missing; the dispatcher sections of conf/quarry.conf are required"));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationError(problems);
    }
  }

  private static void checkPort(Config config, String path, List<ConfigurationError.Problem> problems) {
    try {
      int port = config.getInt(path);
      if (port < 0 || port > 65535) {
        problems.add(new ConfigurationError.Problem(
            location(config.getValue(path).origin(), path), port + " is not a port number (0 to 65535)"));
      }
    } catch (ConfigException problem) {
      problems.add(problemOf(problem, path));
    }
  }

  private static ConfigurationError.Problem problemOf(ConfigException problem, String path) {
    String subject = problem.origin() == null ? path : location(problem.origin(), path);
    return new ConfigurationError.Problem(subject, bareMessage(problem));
  }

  private static ConfigurationError fromConfigException(ConfigException problem) {
    String subject = problem.origin() == null ? "configuration" : location(problem.origin(), null);
    return new ConfigurationError(subject, bareMessage(problem), problem);
  }

  /** "conf/quarry.conf line 12 (quarry.management.port)". */
  private static String location(ConfigOrigin origin, String path) {
    String where = origin.filename() != null ? origin.filename() : origin.description();
    String line = origin.lineNumber() > 0 ? " line " + origin.lineNumber() : "";
    return where + line + (path == null ? "" : " (" + path + ")");
  }

  /** ConfigException messages start with the origin description; drop it, the subject says it. */
  private static String bareMessage(ConfigException problem) {
    String message = problem.getMessage();
    if (problem.origin() != null) {
      String prefix = problem.origin().description() + ": ";
      if (message.startsWith(prefix)) {
        message = message.substring(prefix.length());
      }
    }
    return message;
  }
}
