package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MineLocalCommandTest {

  @TempDir Path directory;

  @Test
  void theEmbeddedDefaultMinesTwoWindowsThatPassTheCheck() throws Exception {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    CommandRun run = CommandRun.run("mine", "--local", "--windows", "2", "--data-dir", directory.toString(), "--no-drand");
    System.out.println(run.out());
    System.out.println(run.err());
    assertThat(run.exitCode()).isZero();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory.resolve("s3/quarry-miner/grail/windows"))) {
      files = walk.filter(path -> path.toString().endsWith(".parquet")).toList();
    }
    assertThat(files).hasSize(2);
  }
}
