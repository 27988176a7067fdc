package dev.quarry.cli;

import dev.quarry.config.AccessKey;
import dev.quarry.config.ConfigurationError;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --env-file}, for commands that load operator settings: the same loading the miner does
 * ({@link OperatorEnvironment}, then {@link QuarrySettings}). Configuration problems become one
 * {@link UserError} listing each; warnings are logged (they name variables, never values).
 */
final class EnvFileOption {

  private static final Logger LOG = LoggerFactory.getLogger(EnvFileOption.class);

  @Option(names = "--env-file", paramLabel = "FILE",
      description = "Operator settings file (default: .env in the working directory, if there is one). "
          + "Variables set in the environment win over it.")
  Path envFile;

  /** The process environment over the settings file. */
  OperatorEnvironment environment() {
    return environment(System.getenv());
  }

  OperatorEnvironment environment(Map<String, String> processEnvironment) {
    try {
      return OperatorEnvironment.load(envFile == null ? Path.of(".env") : envFile, envFile != null, processEnvironment);
    } catch (ConfigurationError problems) {
      throw new UserError(problems.getMessage());
    }
  }

  /** Every setting, checked; warnings logged. */
  static QuarrySettings settings(OperatorEnvironment environment) {
    QuarrySettings settings;
    try {
      settings = QuarrySettings.from(environment);
    } catch (ConfigurationError problems) {
      throw new UserError(problems.getMessage());
    }
    settings.warnings().forEach(LOG::warn);
    return settings;
  }

  /** Only the write key, for the embedded S3 server. */
  static AccessKey writeKey(OperatorEnvironment environment) {
    try {
      return QuarrySettings.writeKey(environment);
    } catch (ConfigurationError problems) {
      throw new UserError(problems.getMessage());
    }
  }
}
