package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry mine} and {@code quarry doctor} on settings that cannot work, and the wallet they
 * resolve: the same as {@code quarry wallet} (one parser, btcli's names and flags accepted).
 */
class MineAndDoctorCommandTest {

  @TempDir Path directory;

  private static final String R2 = String.join("\n",
      "R2_ACCOUNT_ID=0123456789abcdef0123456789abcdef",
      "R2_WRITE_ACCESS_KEY_ID=writekeyid0001",
      "R2_WRITE_SECRET_ACCESS_KEY=writesecret0000000000000000000001",
      "R2_READ_ACCESS_KEY_ID=readkeyid0001",
      "R2_READ_SECRET_ACCESS_KEY=readsecret00000000000000000000001",
      "");

  private Path envFile(String content) throws Exception {
    Path file = directory.resolve("test.env");
    Files.writeString(file, content);
    return file;
  }

  @Test
  void doctorNamesTheBucketRuleAndItsFix() throws Exception {
    Path env = envFile(R2 + "R2_BUCKET_ID=my-bucket\n");
    CommandRun run = CommandRun.run("doctor", "--env-file", env.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).containsPattern("FAIL\\s+bucket name\\s+R2_BUCKET_ID");
    assertThat(run.out()).contains("must equal R2_ACCOUNT_ID").contains("fix:").contains("1 check(s) failed.");
    assertThat(run.out() + run.err()).doesNotContain("writesecret").doesNotContain("readsecret");
  }

  @Test
  void mineWithoutABucketSaysWhatToSet() throws Exception {
    Path env = envFile("BT_WALLET_PATH=" + directory.resolve("wallets") + "\n");
    CommandRun run = CommandRun.run("mine", "--env-file", env.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("object storage is not configured").contains("quarry init");
  }

  @Test
  void walletMineAndDoctorResolveTheSameWalletFromBtcliNames() throws Exception {
    Path wallets = directory.resolve("wallets");
    Path env = envFile(R2 + "BT_WALLET_PATH=" + wallets + "\nBT_WALLET_NAME=quarry\nBT_WALLET_HOTKEY=miner\n");
    CommandRun created = CommandRun.run("wallet", "new-hotkey", "--env-file", env.toString());
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(wallets.resolve("quarry/hotkeys/miner")).exists();
    String address = created.json().get("hotkeyAddress").asText();

    CommandRun shown = CommandRun.run("wallet", "show", "--env-file", env.toString());
    assertThat(shown.json().get("hotkeyAddress").asText()).isEqualTo(address);

    // BT_WALLET_HOT (Grail's name) wins over btcli's; a flag wins over both. Nothing here reaches a network.
    int dead;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    Path grailEnv = envFile(R2 + "BT_WALLET_PATH=" + wallets + "\nBT_WALLET_NAME=quarry\nBT_WALLET_HOTKEY=miner\nBT_WALLET_HOT=other\n"
        + "R2_ENDPOINT_URL=http://127.0.0.1:" + dead + "\nBT_CHAIN_ENDPOINT=ws://127.0.0.1:" + dead + "\nQUARRY_DRAND=false\n");
    CommandRun missing = CommandRun.run("mine", "--env-file", grailEnv.toString(), "--no-drand");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read the hotkey 'quarry/other'").contains("--wallet.hotkey");

    CommandRun doctor = CommandRun.run("doctor", "--env-file", grailEnv.toString(), "--wallet.hotkey", "miner", "--timeout", "1s");
    assertThat(doctor.out()).containsPattern("OK\\s+wallet\\s+hotkey " + address);
    assertThat(doctor.out()).containsPattern("FAIL\\s+R2 write").containsPattern("FAIL\\s+chain").contains("fix: ");
    assertThat(doctor.exitCode()).isEqualTo(1);
  }
}
