package dev.quarry.crypto.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.TestVectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** btwallet files written by libsodium (pynacl) in btwallet's format, and our own round trips. */
class WalletTest {

  private static final JsonNode FILES = TestVectors.load("btwallet_keyfiles.json");
  private static final NaclSecretBox FAST = new NaclSecretBox(
      FILES.get("fast_kdf").get("opslimit").asInt(), FILES.get("fast_kdf").get("memlimit_bytes").asInt() / 1024);

  @TempDir Path root;

  private Wallet materialize(String coldkeyField, Map<String, String> environment, NaclSecretBox box) throws Exception {
    Path directory = root.resolve("quarry");
    Files.createDirectories(directory.resolve("hotkeys"));
    Files.write(directory.resolve("coldkey"), Base64.getDecoder().decode(FILES.get(coldkeyField).asText()));
    Files.writeString(directory.resolve("coldkeypub.txt"), FILES.get("coldkeypub_txt").asText());
    Files.writeString(directory.resolve("hotkeys").resolve("miner"), FILES.get("hotkey_file").asText());
    Files.writeString(directory.resolve("hotkeys").resolve("seeded"), FILES.get("hotkey_seed_only_file").asText());
    return new WalletLoader(root, environment, box).wallet("quarry", "miner");
  }

  @Test
  void readsPlainHotkeysAndColdkeypub() throws Exception {
    Wallet wallet = materialize("coldkey_file_fast_kdf_base64", Map.of(), FAST);
    JsonNode expected = FILES.get("expected");
    assertThat(wallet.hotkey().ss58Address()).isEqualTo(expected.get("hotkey_ss58").asText());
    assertThat(wallet.hotkeyAccount().ss58()).isEqualTo(expected.get("hotkey_ss58").asText());
    assertThat(wallet.coldkeyAccount().ss58()).isEqualTo(expected.get("coldkey_ss58").asText());
    assertThat(wallet.coldkeyIsEncrypted()).isTrue();
    Wallet seeded = new WalletLoader(root, Map.of(), FAST).wallet("quarry", "seeded");
    assertThat(seeded.hotkey()).isEqualTo(wallet.hotkey());
    assertThat(wallet.toString()).isEqualTo("Wallet[name=quarry, hotkey=miner, path=" + root.resolve("quarry") + "]");
  }

  @Test
  void decryptsABtwalletColdkeyWithTheRealArgon2Parameters() throws Exception {
    Wallet wallet = materialize("coldkey_file_base64", Map.of(), NaclSecretBox.BTWALLET);
    Keypair coldkey = wallet.coldkey(FILES.get("coldkey_password").asText().toCharArray());
    assertThat(coldkey.accountId()).isEqualTo(wallet.coldkeyAccount());
    assertThat(coldkey.ss58Address()).isEqualTo(FILES.get("expected").get("coldkey_ss58").asText());
  }

  @Test
  void wrongOrMissingPasswordsFailWithoutLeakingAnything() throws Exception {
    Wallet wallet = materialize("coldkey_file_fast_kdf_base64", Map.of(), FAST);
    assertThatThrownBy(() -> wallet.coldkey("not-the-password".toCharArray()))
        .isInstanceOf(KeyfileException.class)
        .hasMessageContaining("wrong password")
        .hasMessageNotContaining("not-the-password");
    assertThatThrownBy(() -> wallet.coldkey(null))
        .isInstanceOf(KeyfileException.class)
        .hasMessageContaining("is encrypted")
        .hasMessageContaining(Wallet.passwordVariable(wallet.coldkeyPath()));
  }

  @Test
  void readsThePasswordFromBtwalletsEnvironmentVariable() throws Exception {
    JsonNode env = FILES.get("password_env");
    // The recorded variable is for a fixed path; check our name rule and unmasking against it.
    assertThat(Wallet.passwordVariable(Path.of(env.get("keyfile_path").asText()))).isEqualTo(env.get("variable").asText());
    Wallet probe = materialize("coldkey_file_fast_kdf_base64", Map.of(), FAST);
    String password = FILES.get("coldkey_password").asText();
    String variable = Wallet.passwordVariable(probe.coldkeyPath());
    byte[] name = variable.getBytes(StandardCharsets.UTF_8);
    byte[] masked = password.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < masked.length; i++) {
      masked[i] ^= name[i % name.length];
    }
    Wallet wallet = new WalletLoader(root, Map.of(variable, Base64.getEncoder().encodeToString(masked)), FAST)
        .wallet("quarry", "miner");
    assertThat(wallet.coldkey(null).ss58Address()).isEqualTo(FILES.get("expected").get("coldkey_ss58").asText());
  }

  @Test
  void malformedKeyFilesGiveClearErrorsWithoutContents() throws Exception {
    Wallet wallet = materialize("coldkey_file_fast_kdf_base64", Map.of(), FAST);
    Files.writeString(wallet.hotkeyPath(), "{\"secretSeed\": \"0xdeadbeefcafe1234\"");
    assertThatThrownBy(wallet::hotkey).isInstanceOf(KeyfileException.class)
        .hasMessageContaining("not valid JSON").hasMessageNotContaining("deadbeef");
    Files.writeString(wallet.hotkeyPath(), "{\"secretSeed\": \"0xdeadbeefcafe1234\"}");
    assertThatThrownBy(wallet::hotkey).isInstanceOf(KeyfileException.class)
        .hasMessageContaining("32 bytes").hasMessageNotContaining("deadbeef");
    Files.writeString(wallet.hotkeyPath(), "{\"ss58Address\": \"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\"}");
    assertThatThrownBy(wallet::hotkey).hasMessageContaining("only a public key");
    Files.writeString(wallet.hotkeyPath(), "$ANSIBLE_VAULT;1.1;AES256\n6162");
    assertThatThrownBy(wallet::hotkey).hasMessageContaining("legacy encryption");
    Wallet missing = new WalletLoader(root, Map.of(), FAST).wallet("nobody", null);
    assertThatThrownBy(missing::hotkey).hasMessageContaining("does not exist").hasMessageContaining("nobody");
    assertThatThrownBy(() -> new WalletLoader(root, Map.of(), FAST).wallet("../etc", "x")).hasMessageContaining("plain names");
  }

  @Test
  void writesWalletsThatReadBackWithPrivatePermissions() throws Exception {
    String mnemonic = "legal winner thank year wave sausage worth useful legal winner thank yellow";
    WalletLoader loader = new WalletLoader(root, Map.of("BT_WALLET_NAME", "fresh"), FAST);
    Wallet hot = loader.createHotkey(null, "h1", mnemonic, false);
    assertThat(hot.name()).isEqualTo("fresh");
    assertThat(hot.hotkey().ss58Address()).isEqualTo(FILES.get("expected").get("hotkey_ss58").asText());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hot.hotkeyPath()))).isEqualTo("rw-------");
    assertThatThrownBy(() -> loader.createHotkey(null, "h1", mnemonic, false)).hasMessageContaining("already exists");

    Wallet cold = loader.createColdkey("fresh", mnemonic, "pw".toCharArray(), false);
    assertThat(Files.readString(cold.coldkeyPath(), StandardCharsets.ISO_8859_1)).startsWith("$NACL").doesNotContain("legal");
    assertThat(cold.coldkey("pw".toCharArray()).accountId()).isEqualTo(cold.coldkeyAccount());
    assertThat(Files.readString(cold.coldkeypubPath())).doesNotContain("privateKey").doesNotContain("secret");
  }
}
