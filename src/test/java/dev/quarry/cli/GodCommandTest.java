package dev.quarry.cli;

import static dev.quarry.cli.CommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.chain.AxonInfo;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.Mnemonic;
import dev.quarry.crypto.wallet.Wallet;
import dev.quarry.crypto.wallet.WalletLoader;
import dev.quarry.god.GodAxon;
import dev.quarry.god.GodSettings;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GodCommandTest {

  private static final String REPO = "https://github.com/quarry-test/god-trainer";
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final String TOKEN = "github_pat_11CLITESTTOKEN_0123456789abcdefghij";

  @TempDir Path directory;

  private Path envFile(String... lines) throws Exception {
    Path file = directory.resolve(".env");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  private Keypair hotkeyIn(Path wallets) {
    WalletLoader loader = new WalletLoader(wallets, Map.of());
    Wallet wallet = loader.createHotkey("god", "h1", Mnemonic.generate(12, new java.security.SecureRandom()), false);
    return wallet.hotkey();
  }

  @Test
  void checkShowsWhatEachFamilyWillBeToldWithTheTokenRedacted() throws Exception {
    Path env = envFile("MINER_TRAINING_REPO=" + REPO, "MINER_TRAINING_COMMIT=" + COMMIT, "MINER_TEXT_GITHUB_TOKEN=" + TOKEN,
        "MINER_REQUESTED_DATASETS=RZ412/PokerBench,not/listed", "QUARRY_GOD_NETUID=241");
    CommandRun run = run("god", "check", "--env-file", env.toString(), "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"netuid\" : 241").contains(REPO).contains("<redacted>").contains("RZ412/PokerBench")
        .contains("not/listed is not on G.O.D's dataset whitelist").doesNotContain(TOKEN);
  }

  @Test
  void aBadConfigurationStopsWithEveryProblemAndNoStackTrace() throws Exception {
    Path env = envFile("MINER_TRAINING_REPO=https://github.com/quarry-test/god-trainer/tree/main", "MINER_TRAINING_COMMIT=main");
    CommandRun run = run("god", "serve", "--env-file", env.toString(), "--network", "embedded", "--for", "1s");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("the G.O.D miner cannot start").contains("MINER_TRAINING_REPO").contains("MINER_TRAINING_COMMIT")
        .contains("git rev-parse main").doesNotContain("at dev.quarry");
  }

  @Test
  void serveRunsStandaloneWithTheManagementEndpoint() throws Exception {
    Path wallets = directory.resolve("wallets");
    Keypair hotkey = hotkeyIn(wallets);
    Path env = envFile("MINER_TRAINING_REPO=" + REPO, "MINER_TRAINING_COMMIT=" + COMMIT, "BT_WALLET_PATH=" + wallets,
        "BT_WALLET_COLD=god", "BT_WALLET_HOT=h1", "QUARRY_GOD_HOST=127.0.0.1", "QUARRY_GOD_PORT=0", "QUARRY_MANAGEMENT_PORT=0",
        "QUARRY_DATA_DIR=" + directory.resolve("data"));
    CommandRun run = run("god", "serve", "--env-file", env.toString(), "--network", "embedded", "--for", "1s");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("G.O.D miner " + hotkey.ss58Address() + " on subnet 56: http://127.0.0.1:")
        .contains("/training_repo/{text|image|environment}").contains("Validators need 1000 TAO").contains("(health, ready, status, metrics)")
        .contains("stopping after 1s");
  }

  @Test
  void postIpPublishesTheAxonLikeFiberPostIp() throws Exception {
    LocalChain chain = LocalChain.start(LocalChain.Config.defaults().manual());
    try {
      Keypair hotkey = hotkeyIn(directory.resolve("wallets"));
      chain.register(56, hotkey.accountId(), hotkey.accountId(), 0).toCompletableFuture().get();
      var inclusion = GodAxon.post(chain, hotkey, 56, InetAddress.getByName("203.0.113.7"), 7999).toCompletableFuture();
      chain.advance(1).toCompletableFuture().get();
      assertThat(inclusion.get().blockNumber()).isEqualTo(1);
      NeuronInfo neuron = chain.neurons(56).toCompletableFuture().get().get(0);
      AxonInfo axon = neuron.axon();
      assertThat(axon.endpoint()).isEqualTo("203.0.113.7:7999");
      assertThat(axon.version()).isEqualTo(1);
      assertThat(axon.protocol()).isEqualTo(4);
      assertThat(axon.ipType()).isEqualTo(4);
      assertThat(axon.ip()).isEqualTo(AxonInfo.ipToInteger(InetAddress.getByName("203.0.113.7")));
    } finally {
      chain.close();
    }
    assertThat(GodAxon.reachabilityWarning(InetAddress.getByName("192.168.1.5"))).get().asString().contains("private address");
    assertThat(GodAxon.reachabilityWarning(InetAddress.getByName("127.0.0.1"))).get().asString().contains("loopback");
    assertThat(GodAxon.reachabilityWarning(InetAddress.getByName("203.0.113.7"))).isEmpty();
  }

  @Test
  void postIpExplainsAnUnregisteredHotkey() throws Exception {
    Path wallets = directory.resolve("wallets");
    hotkeyIn(wallets);
    Path env = envFile("MINER_TRAINING_REPO=" + REPO, "MINER_TRAINING_COMMIT=" + COMMIT, "BT_WALLET_PATH=" + wallets,
        "BT_WALLET_COLD=god", "BT_WALLET_HOT=h1");
    CommandRun run = run("god", "post-ip", "--env-file", env.toString(), "--network", "embedded", "--ip", "10.1.2.3", "--timeout", "20s");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("warning: 10.1.2.3 is a private address").contains("posting 10.1.2.3:7999").contains("on subnet 56");
    assertThat(run.err()).contains("serve_axon").contains("not registered");
  }

  @Test
  void initAsksLikeTaskMinerConfigAndUpdatesTheFileFromStandardInput() throws Exception {
    Path env = envFile("# my Grail settings", "NETUID=81", "R2_REGION=auto", "MIN_STAKE_THRESHOLD=5");
    String answers = String.join("\n",
        "test",                                  // network
        "",                                      // subtensor address: public endpoint
        "god",                                   // wallet
        "h1",                                    // hotkey
        "",                                      // MIN_STAKE_THRESHOLD: testnet default 0
        "http://github.com/quarry-test/x",       // refused: not https
        REPO,
        "main",                                  // refused: a branch
        COMMIT,
        TOKEN,
        "tasksource/boardgame-qa",               // refused: case
        "tasksource/Boardgame-QA, RZ412/PokerBench",
        "") + "\n";
    InputStream previous = System.in;
    CommandRun run;
    try {
      System.setIn(new ByteArrayInputStream(answers.getBytes(StandardCharsets.UTF_8)));
      run = run("god", "init", "--env-file", env.toString());
    } finally {
      System.setIn(previous);
    }
    assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
    assertThat(run.out()).contains("is not an https URL").contains("\"main\" is not a commit SHA")
        .contains("did you mean tasksource/Boardgame-QA?").contains("MINER_GITHUB_TOKEN=<redacted>").doesNotContain(TOKEN);
    String written = Files.readString(env);
    assertThat(written).startsWith("# my Grail settings\nNETUID=81\nR2_REGION=auto\nMIN_STAKE_THRESHOLD=0\n")
        .contains("BT_NETWORK=test").contains("MINER_TRAINING_REPO=" + REPO).contains("MINER_TRAINING_COMMIT=" + COMMIT)
        .contains("MINER_GITHUB_TOKEN=" + TOKEN).contains("MINER_REQUESTED_DATASETS=tasksource/Boardgame-QA,RZ412/PokerBench")
        .doesNotContain("BT_CHAIN_ENDPOINT");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
    try (var backups = Files.list(directory)) {
      assertThat(backups.filter(path -> path.getFileName().toString().startsWith(".env.bak-")).count()).isEqualTo(1);
    }
    OperatorEnvironment environment = OperatorEnvironment.load(env, true, Map.of());
    GodSettings settings = GodSettings.from(environment, dev.quarry.config.QuarrySettings.from(environment));
    assertThat(settings.netuid()).isEqualTo(241);
    assertThat(settings.minStakeThreshold()).isZero();
    assertThat(settings.repos()).hasSize(3);
    assertThat(settings.repos().values()).allSatisfy(repo -> assertThat(repo.requestedDatasets())
        .isEqualTo(List.of("tasksource/Boardgame-QA", "RZ412/PokerBench")));
  }

  @Test
  void initWritesNothingWhenInputEndsEarly() throws Exception {
    Path env = directory.resolve("new.env");
    InputStream previous = System.in;
    CommandRun run;
    try {
      System.setIn(new ByteArrayInputStream("finney\n\n".getBytes(StandardCharsets.UTF_8)));
      run = run("god", "init", "--env-file", env.toString());
    } finally {
      System.setIn(previous);
    }
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nothing was written");
    assertThat(env).doesNotExist();
  }
}
