package dev.quarry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The shared {@code -v}/{@code -vv} option. Without it Quarry logs its own progress at INFO and
 * libraries only at WARN; {@code -v} shows Quarry's DEBUG lines; {@code -vv} shows everything and
 * prints stack traces for errors. Add it to a command with {@code @Mixin Verbosity verbosity;}.
 */
public final class Verbosity {

  private static volatile int level;

  @Option(
      names = {"-v", "--verbose"},
      description = "More output: -v for Quarry debug logs, -vv for library logs and stack traces.")
  void setVerbose(boolean[] flags) {
    apply(flags.length);
  }

  /** The verbosity chosen on the command line (0, 1 or 2). */
  public static int level() {
    return level;
  }

  /** Sets the log levels for the given verbosity; also usable from tests. */
  public static void apply(int verbosity) {
    level = Math.max(0, Math.min(2, verbosity));
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger quarry = context.getLogger("dev.quarry");
    switch (level) {
      case 0 -> {
        root.setLevel(Level.WARN);
        quarry.setLevel(Level.INFO);
      }
      case 1 -> {
        root.setLevel(Level.WARN);
        quarry.setLevel(Level.DEBUG);
      }
      default -> {
        root.setLevel(Level.DEBUG);
        quarry.setLevel(Level.DEBUG);
      }
    }
  }
}
