package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code .env.example} documents exactly the variables Quarry reads, with tags that match the catalog. */
class EnvExampleTest {

  private static final Path EXAMPLE = Path.of(System.getProperty("quarry.project.dir", "."), ".env.example");

  private static List<String> lines() throws IOException {
    return Files.readAllLines(EXAMPLE, StandardCharsets.UTF_8);
  }

  /** The comment block directly above the assignment of {@code name}. */
  private static String commentAbove(List<String> lines, String name) {
    int index = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(name + "=")) {
        index = i;
      }
    }
    assertThat(index).as("%s is assigned in .env.example", name).isNotNegative();
    List<String> block = new ArrayList<>();
    for (int i = index - 1; i >= 0 && lines.get(i).startsWith("#"); i--) {
      block.add(0, lines.get(i));
    }
    return String.join("\n", block);
  }

  @Test
  void everyVariableIsDocumentedOnceWithItsTags() throws IOException {
    List<String> lines = lines();
    for (Variable variable : Variable.values()) {
      assertThat(lines.stream().filter(line -> line.startsWith(variable.name() + "=")).count())
          .as("assignments of %s", variable.name()).isEqualTo(1);
      String comment = commentAbove(lines, variable.name());
      String tag = switch (variable.source()) {
        case GRAIL -> "[Grail]";
        case BITTENSOR -> "[bittensor]";
        case QUARRY -> "[Quarry]";
        case GOD -> "[G.O.D]";
      };
      assertThat(comment).as("comment of %s", variable.name()).contains(tag);
      assertThat(comment.contains("[secret]")).as("[secret] tag of %s", variable.name()).isEqualTo(variable.secret());
    }
  }

  @Test
  void assignsNothingElseAndGroupsFollowTheCatalog() throws IOException {
    List<String> assigned = lines().stream()
        .filter(line -> !line.startsWith("#") && line.contains("="))
        .map(line -> line.substring(0, line.indexOf('=')))
        .toList();
    assertThat(assigned).containsExactlyElementsOf(Arrays.stream(Variable.values()).map(Variable::name).toList());
    String text = String.join("\n", lines());
    int previous = -1;
    for (Variable.Group group : Variable.Group.values()) {
      int at = text.indexOf("# " + group.title() + "\n");
      assertThat(at).as("section %s", group.title()).isGreaterThan(previous);
      previous = at;
    }
  }

  @Test
  void loadsCleanlyAsAnOperatorFile() {
    OperatorEnvironment environment = OperatorEnvironment.load(EXAMPLE, true, Map.of());
    QuarrySettings settings = QuarrySettings.from(environment, Path.of("/home/miner"));
    assertThat(settings.warnings()).isEmpty();
    assertThat(settings.chain().netuid()).isEqualTo(81);
    assertThat(settings.storage()).isEmpty();
  }
}
