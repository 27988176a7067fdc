package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QuarryCommandTest {

  @Test
  void helpListsTheCommandsAndExitsZero() {
    CommandLine commandLine = Quarry.commandLine();
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));

    int exitCode = commandLine.execute("--help");

    assertThat(exitCode).isZero();
    assertThat(out.toString()).contains("Usage: quarry").contains("help");
  }

  @Test
  void unknownCommandIsAUsageError() {
    CommandLine commandLine = Quarry.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));

    int exitCode = commandLine.execute("no-such-command");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("no-such-command");
  }
}
