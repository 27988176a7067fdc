package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of the {@code quarry} command line: its exit code and what it printed. */
record CommandRun(int exitCode, String out, String err) {

  /** Runs {@code quarry args...} with the launcher's error handling, capturing stdout and stderr. */
  static CommandRun run(String... args) {
    CommandLine commandLine = Quarry.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int exitCode = commandLine.execute(args);
    return new CommandRun(exitCode, out.toString(), err.toString());
  }

  /** Standard output as JSON; a test failure showing both streams when it is not. */
  JsonNode json() {
    try {
      return new ObjectMapper().readTree(out);
    } catch (IOException notJson) {
      throw new AssertionError("not JSON: " + out + err, notJson);
    }
  }
}
