package dev.quarry.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code quarry} command: the entry point of the distribution's launcher. */
@Command(
    name = "quarry",
    mixinStandardHelpOptions = true,
    versionProvider = Quarry.VersionProvider.class,
    description = "A mining cluster for Bittensor subnets (Grail SN81, G.O.D SN56, BlockZero), built on Apache Pekko.",
    // One subcommand per line, so that areas add theirs without merge conflicts.
    subcommands = {
      InitCommand.class,
      WalletCommand.class,
      ChainCommand.class,
      ProtocolCommand.class,
      StorageCommand.class,
      GodCommand.class,
      BlockZeroCommand.class,
      DatasetsCommand.class,
      ModelCommand.class,
      BenchCommand.class,
      MineCommand.class,
      DoctorCommand.class,
      ValidateCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Quarry implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** A configured command line; tests use it to run commands in-process. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Quarry());
    commandLine.setExecutionExceptionHandler(new ErrorReporter());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    return commandLine;
  }

  /** Reads the version Maven wrote into the jar manifest. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Quarry.class.getPackage().getImplementationVersion();
      return new String[] {
        "quarry " + (version == null ? "(development build)" : version),
        "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
