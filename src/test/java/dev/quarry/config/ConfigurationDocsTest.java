package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md has a table row for every variable, with the right default and secrecy. */
class ConfigurationDocsTest {

  @Test
  void everyVariableHasARow() throws IOException {
    String docs = Files.readString(
        Path.of(System.getProperty("quarry.project.dir", "."), "docs", "configuration.md"), StandardCharsets.UTF_8);
    for (Variable variable : Variable.values()) {
      String row = docs.lines().filter(line -> line.startsWith("| `" + variable.name() + "`")).findFirst().orElse(null);
      assertThat(row).as("row for %s", variable.name()).isNotNull();
      assertThat(row.contains("(secret)")).as("secret mark of %s", variable.name()).isEqualTo(variable.secret());
      if (!variable.defaultValue().isEmpty()) {
        assertThat(row).as("default of %s", variable.name()).contains(variable.defaultValue());
      }
    }
  }
}
