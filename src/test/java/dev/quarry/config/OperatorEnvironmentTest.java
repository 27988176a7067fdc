package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorEnvironmentTest {

  @TempDir Path directory;

  private Path write(String text) throws IOException {
    Path file = directory.resolve(".env");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void processEnvironmentWinsAndDisagreementsAreNamed() throws IOException {
    Path file = write("BT_NETWORK=finney\nNETUID=81\nR2_REGION=auto\n");
    OperatorEnvironment environment =
        OperatorEnvironment.load(file, true, Map.of("BT_NETWORK", "test", "R2_REGION", "auto", "PATH", "/bin"));

    assertThat(environment.get("BT_NETWORK")).contains("test");
    assertThat(environment.originOf("BT_NETWORK")).isEqualTo("environment");
    assertThat(environment.get("NETUID")).contains("81");
    assertThat(environment.originOf("NETUID")).isEqualTo(".env line 2");
    assertThat(environment.shadowedByProcess()).containsExactly("BT_NETWORK");
    assertThat(environment.declaredInFile()).containsExactlyInAnyOrder("BT_NETWORK", "NETUID", "R2_REGION");
    assertThat(environment.names()).contains("PATH");
  }

  @Test
  void interpolationSeesEarlierLinesThenTheProcess() throws IOException {
    Path file = write("BASE=/data\nQUARRY_DATA_DIR=${BASE}/quarry\nHF_HOME=${HOME}/hf\n");
    OperatorEnvironment environment = OperatorEnvironment.load(file, true, Map.of("HOME", "/home/miner"));
    assertThat(environment.get("QUARRY_DATA_DIR")).contains("/data/quarry");
    assertThat(environment.get("HF_HOME")).contains("/home/miner/hf");
  }

  @Test
  void aMissingOptionalFileMeansProcessOnly() {
    OperatorEnvironment environment = OperatorEnvironment.load(directory.resolve("absent.env"), false, Map.of("NETUID", "5"));
    assertThat(environment.get("NETUID")).contains("5");
    assertThat(environment.declaredInFile()).isEmpty();
  }

  @Test
  void aMissingRequiredFileIsAnError() {
    assertThatThrownBy(() -> OperatorEnvironment.load(directory.resolve("absent.env"), true, Map.of()))
        .isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("absent.env")
        .hasMessageContaining("quarry init");
  }

  @Test
  void everyUnparseableLineIsReportedWithoutItsText() throws IOException {
    Path file = write("NETUID=81\nR2_WRITE_SECRET_ACCESS_KEY='topsecretvalue\nNETUID=\"82\" trailing\nno equals sign here\n");
    assertThatThrownBy(() -> OperatorEnvironment.load(file, true, Map.of()))
        .isInstanceOfSatisfying(ConfigurationError.class, error -> {
          assertThat(error.problems()).extracting(ConfigurationError.Problem::subject)
              .containsExactly(file + " line 2", file + " line 3", file + " line 4");
          assertThat(error.getMessage()).contains("R2_WRITE_SECRET_ACCESS_KEY").doesNotContain("topsecretvalue");
        });
  }

  @Test
  void aFileThatIsNotUtf8IsAnError() throws IOException {
    Path file = directory.resolve(".env");
    Files.write(file, new byte[] {'A', '=', (byte) 0xff, (byte) 0xfe, '\n'});
    assertThatThrownBy(() -> OperatorEnvironment.load(file, true, Map.of()))
        .isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void toStringNamesNoValues() throws IOException {
    Path file = write("R2_WRITE_SECRET_ACCESS_KEY=topsecretvalue\n");
    assertThat(OperatorEnvironment.load(file, true, Map.of()).toString()).doesNotContain("topsecretvalue");
  }
}
