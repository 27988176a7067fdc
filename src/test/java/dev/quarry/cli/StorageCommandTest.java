package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.storage.StorageTestResources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StorageCommandTest {

  @TempDir Path directory;

  @Test
  void inspectWindowSummarisesTheReferenceFile() throws Exception {
    Path file = StorageTestResources.copy("window/reference-window.parquet", directory);
    CommandLine commandLine = Quarry.commandLine();
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    int exitCode = commandLine.execute("storage", "inspect-window", file.toString());
    assertThat(exitCode).isZero();
    JsonNode summary = JsonOutput.mapper().readTree(out.toString());
    assertThat(summary.get("wallet").asText()).isEqualTo("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    assertThat(summary.get("rows").asInt()).isEqualTo(3);
    assertThat(summary.get("groups").asInt()).isEqualTo(2);
    assertThat(summary.get("groups_without_16_rollouts").asInt()).isEqualTo(2);
  }

  @Test
  void aMissingFileIsAnOperatorError() {
    CommandLine commandLine = Quarry.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));
    int exitCode = commandLine.execute("storage", "inspect-window", directory.resolve("absent.parquet").toString());
    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("no such file");
  }

  @Test
  void badSettingsBecomeOperatorErrorsWithoutSecrets() {
    Map<String, String> environment = Map.of("R2_ACCOUNT_ID", "0123456789abcdef0123456789abcdef", "R2_BUCKET_ID", "mine",
        "R2_WRITE_ACCESS_KEY_ID", "id", "R2_WRITE_SECRET_ACCESS_KEY", "topsecret");
    assertThatThrownBy(() -> StorageCommand.settingsFromEnvironment(environment))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("R2_BUCKET_ID must equal R2_ACCOUNT_ID")
        .hasMessageNotContaining("topsecret");
  }
}
