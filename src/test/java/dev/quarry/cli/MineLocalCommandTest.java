package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MineLocalCommandTest {

  @TempDir Path directory;

  @Test
  void theEmbeddedDefaultMinesTwoWindowsThatTheLocalValidatorAccepts() throws Exception {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    CommandRun run = CommandRun.run("mine", "--local", "--windows", "2", "--data-dir", directory.toString(), "--no-drand");
    System.out.println(run.out());
    System.out.println(run.err());
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory.resolve("s3/quarry-miner/grail/windows"))) {
      files = walk.filter(path -> path.toString().endsWith(".parquet")).sorted().toList();
    }
    assertThat(files).hasSize(2);
    Matcher windowLines = Pattern.compile("window (\\d+): uploaded, .*; local validator: valid \\((\\d+) rows in").matcher(run.out());
    int validWindows = 0;
    long lastWindow = -1;
    while (windowLines.find()) {
      validWindows++;
      lastWindow = Long.parseLong(windowLines.group(1));
      assertThat(Integer.parseInt(windowLines.group(2))).isPositive();
    }
    assertThat(validWindows).as(run.out()).isEqualTo(2);

    // The network is gone; what it left in the data directory is enough to validate again.
    CommandRun again = CommandRun.run("validate", "--local", "--data-dir", directory.toString(), "--window",
        Long.toString(lastWindow), "--json", "--no-state");
    assertThat(again.exitCode()).as(again.err() + again.out()).isZero();
    JsonNode report = again.json();
    assertThat(report.get("discovery").get("active").asInt()).isEqualTo(1);
    assertThat(report.get("miners").get(0).get("status").asText()).isEqualTo("valid");
  }
}
