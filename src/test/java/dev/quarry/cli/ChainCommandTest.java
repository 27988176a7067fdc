package dev.quarry.cli;

import static dev.quarry.cli.CommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.chain.rpc.FakeRpcServer;
import dev.quarry.chain.rpc.RecordedFinney;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code quarry chain} and {@code quarry wallet} commands, in-process. */
class ChainCommandTest {

  @Test
  void infoOnTheEmbeddedChain() throws Exception {
    CommandRun result = run("chain", "--network", "embedded", "info");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode info = result.json();
    assertThat(info.get("specName").asText()).isEqualTo("quarry-local");
    assertThat(info.get("genesisHash").asText()).matches("0x[0-9a-f]{64}");
    assertThat(info.get("currentBlock").asLong()).isZero();
  }

  @Test
  void registrationCheckAgainstRecordedFinney() throws Exception {
    try (FakeRpcServer server = new FakeRpcServer(new RecordedFinney("is_hotkey_registered_on_subnet"))) {
      CommandRun result = run("chain", "--network", server.uri().toString(), "uid", "--netuid", "14",
          "--hotkey", "5Cf4LPRv6tiyuFsfLRQaFYEEn3zJRGi4bAE9DwbbKmbCSHpV");
      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.json().get("uid").asInt()).isEqualTo(29);
      assertThat(result.json().get("registered").asBoolean()).isTrue();
    }
  }

  @Test
  void operatorMistakesAreUserErrors() {
    CommandRun unknown = run("chain", "--network", "mainet", "info");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown network 'mainet'").contains("finney");
    CommandRun badAddress = run("chain", "--network", "embedded", "uid", "--netuid", "1", "--hotkey", "5notanaddress");
    assertThat(badAddress.exitCode()).isEqualTo(2);
    assertThat(badAddress.err()).contains("5notanaddress").contains("SS58 address");
  }

  @Test
  void benchPrintsFigures() throws Exception {
    CommandRun result = run("chain", "bench", "--iterations", "20");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.json().get("allSignaturesValid").asBoolean()).isTrue();
    assertThat(result.json().get("sr25519VerifyMicros").asDouble()).isPositive();
  }

  @Test
  void walletsAreCreatedAndShownWithoutSecrets(@TempDir Path root) throws Exception {
    CommandRun created = run("wallet", "new-hotkey", "--wallet.path", root.toString(), "--wallet.name", "quarry", "--wallet.hotkey", "miner");
    assertThat(created.exitCode()).as(created.err()).isZero();
    Path file = root.resolve("quarry/hotkeys/miner");
    JsonNode keyfile = new ObjectMapper().readTree(Files.readString(file));
    String mnemonic = keyfile.get("secretPhrase").asText();
    assertThat(mnemonic.split(" ")).hasSize(12);
    assertThat(created.out()).doesNotContain(mnemonic.split(" ")[0] + " " + mnemonic.split(" ")[1])
        .doesNotContain(keyfile.get("secretSeed").asText());
    assertThat(created.json().get("hotkeyAddress").asText()).isEqualTo(keyfile.get("ss58Address").asText());

    CommandRun again = run("wallet", "new-hotkey", "--wallet.path", root.toString(), "--wallet.name", "quarry", "--wallet.hotkey", "miner");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("already exists").contains("--overwrite");

    CommandRun shown = run("wallet", "show", "--wallet.path", root.toString(), "--wallet.name", "quarry", "--wallet.hotkey", "miner");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    assertThat(shown.json().get("hotkeyAddress").asText()).isEqualTo(keyfile.get("ss58Address").asText());
    assertThat(shown.json().get("coldkeyAddress").asText()).startsWith("unavailable").contains("coldkeypub");
  }
}
