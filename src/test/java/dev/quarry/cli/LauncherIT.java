package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the packaged launcher the way an operator does: {@code target/quarry/bin/quarry --help}. */
class LauncherIT {

  @Test
  void packagedLauncherPrintsHelp() throws IOException, InterruptedException {
    Path launcher = Path.of(System.getProperty("quarry.distribution.dir", "target/quarry"), "bin", "quarry");
    assertThat(Files.isExecutable(launcher)).as("launcher %s is executable", launcher).isTrue();

    Process process = new ProcessBuilder(launcher.toString(), "--help").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("Usage: quarry");
  }
}
