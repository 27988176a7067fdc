package dev.quarry.cli;

import static dev.quarry.cli.CommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.storage.StorageTestResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageCommandTest {

  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final String WRITE_SECRET = "write-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String READ_SECRET = "read-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

  @TempDir Path directory;

  @Test
  void inspectWindowSummarisesTheReferenceFile() throws Exception {
    Path file = StorageTestResources.copy("window/reference-window.parquet", directory);
    CommandRun inspected = run("storage", "inspect-window", file.toString());
    assertThat(inspected.exitCode()).isZero();
    JsonNode summary = inspected.json();
    assertThat(summary.get("wallet").asText()).isEqualTo("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    assertThat(summary.get("rows").asInt()).isEqualTo(3);
    assertThat(summary.get("groups").asInt()).isEqualTo(2);
    assertThat(summary.get("groups_without_16_rollouts").asInt()).isEqualTo(2);
  }

  @Test
  void aMissingFileIsAnOperatorError() {
    CommandRun missing = run("storage", "inspect-window", directory.resolve("absent.parquet").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");
  }

  @Test
  void badSettingsBecomeOperatorErrorsWithoutSecrets() {
    Map<String, String> environment = Map.of("R2_ACCOUNT_ID", "0123456789abcdef0123456789abcdef", "R2_BUCKET_ID", "mine",
        "R2_WRITE_ACCESS_KEY_ID", "id", "R2_WRITE_SECRET_ACCESS_KEY", "topsecret");
    assertThatThrownBy(() -> StorageCommand.objectStoreSettings(EnvFileOption.settings(OperatorEnvironment.of(environment))))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("R2_BUCKET_ID (given): is \"mine\" but must equal R2_ACCOUNT_ID")
        .hasMessageContaining("R2_READ_ACCESS_KEY_ID: is not set")
        .hasMessageNotContaining("topsecret");
  }

  @Test
  void checkSettingsPrintsTheBucketWithKeysMaskedAndSecretsNowhere() throws Exception {
    Path envFile = directory.resolve("miner.env");
    Files.writeString(envFile, String.join("\n",
        "R2_ACCOUNT_ID=" + ACCOUNT,
        "R2_WRITE_ACCESS_KEY_ID=writekeyid0123456789abcdef012345",
        "R2_WRITE_SECRET_ACCESS_KEY=" + WRITE_SECRET,
        "R2_READ_ACCESS_KEY_ID=readkeyid00123456789abcdef012345",
        "R2_READ_SECRET_ACCESS_KEY=" + READ_SECRET,
        "R2_ENDPOINT_URL=http://127.0.0.1:9000",
        "UPLOAD_TIMEOUT=30", ""));
    CommandRun dual = run("storage", "check-settings", "--env-file", envFile.toString());
    assertThat(dual.exitCode()).as(dual.err()).isZero();
    JsonNode settings = dual.json();
    assertThat(settings.get("bucket").asText()).isEqualTo(ACCOUNT);
    assertThat(settings.get("endpoint").asText()).isEqualTo("http://127.0.0.1:9000");
    assertThat(settings.get("write_key").asText()).endsWith("2345").doesNotContain("writekeyid");
    assertThat(settings.get("read_key").asText()).endsWith("2345").doesNotContain("readkeyid");
    assertThat(settings.get("upload_attempt_timeout_seconds").asDouble()).isEqualTo(30.0);
    assertThat(settings.has("warnings")).isFalse();
    assertThat(dual.out() + dual.err()).doesNotContain(WRITE_SECRET).doesNotContain(READ_SECRET);

    Files.writeString(envFile, String.join("\n",
        "R2_ACCOUNT_ID=" + ACCOUNT,
        "R2_WRITE_ACCESS_KEY_ID=writekeyid0123456789abcdef012345",
        "R2_WRITE_SECRET_ACCESS_KEY=" + WRITE_SECRET,
        "QUARRY_ALLOW_SINGLE_CREDENTIAL=true", ""));
    CommandRun single = run("storage", "check-settings", "--env-file", envFile.toString());
    assertThat(single.exitCode()).as(single.err()).isZero();
    JsonNode singleSettings = single.json();
    assertThat(singleSettings.get("read_key").asText()).startsWith("(write keys");
    assertThat(singleSettings.get("warnings")).singleElement().asString().contains("QUARRY_ALLOW_SINGLE_CREDENTIAL=true");
    assertThat(single.out() + single.err()).doesNotContain(WRITE_SECRET);

    Files.writeString(envFile, String.join("\n",
        "R2_ACCOUNT_ID=" + ACCOUNT,
        "R2_WRITE_ACCESS_KEY_ID=writekeyid0123456789abcdef012345",
        "R2_WRITE_SECRET_ACCESS_KEY=" + WRITE_SECRET, ""));
    CommandRun refused = run("storage", "check-settings", "--env-file", envFile.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("R2_READ_ACCESS_KEY_ID").contains("QUARRY_ALLOW_SINGLE_CREDENTIAL=true")
        .doesNotContain(WRITE_SECRET);
    assertThat(run("storage", "check-settings", "--env-file", directory.resolve("absent.env").toString()).err())
        .contains("absent.env").contains("file not found");
  }

}
