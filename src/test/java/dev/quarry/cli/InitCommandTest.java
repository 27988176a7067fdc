package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.config.BucketSettings;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InitCommandTest {

  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final String WRITE_SECRET = "w".repeat(40) + "SECRETWRITE";
  private static final String READ_SECRET = "r".repeat(40) + "SECRETREAD";

  @TempDir Path directory;

  /** Answers questions from a script and records what was asked and how. */
  static final class ScriptedTerminal implements InitCommand.Terminal {
    private final Deque<String> answers;
    final List<String> transcript = new ArrayList<>();
    final List<String> secretPrompts = new ArrayList<>();

    ScriptedTerminal(List<String> answers) {
      this.answers = new ArrayDeque<>(answers);
    }

    @Override
    public String readLine(String prompt) {
      transcript.add(prompt);
      return answers.poll();
    }

    @Override
    public String readSecret(String prompt) {
      secretPrompts.add(prompt);
      transcript.add(prompt);
      return answers.poll();
    }

    @Override
    public void println(String line) {
      transcript.add(line);
    }
  }

  record Run(int exitCode, String out, String err, ScriptedTerminal terminal) {}

  private Run run(List<String> answers, String... arguments) {
    ScriptedTerminal terminal = new ScriptedTerminal(answers);
    CommandLine commandLine = new CommandLine(new InitCommand(terminal));
    commandLine.setExecutionExceptionHandler(new ErrorReporter());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    List<String> args = new ArrayList<>(List.of("--env-file", directory.resolve(".env").toString()));
    args.addAll(List.of(arguments));
    int exitCode = commandLine.execute(args.toArray(String[]::new));
    return new Run(exitCode, out.toString(), err.toString(), terminal);
  }

  private static List<String> fullAnswers() {
    return List.of(
        "test", "", "429", "mywallet", "miner1", "",   // chain and wallet
        "y", ACCOUNT, "", "writekeyid", WRITE_SECRET, "readkeyid", READ_SECRET, "", // R2
        "", "", "");                                     // drand, devices, port
  }

  @Test
  void writesAPrivateFileThatLoadsBack() throws IOException {
    Run run = run(fullAnswers());
    assertThat(run.exitCode()).as(run.err()).isZero();
    Path env = directory.resolve(".env");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");

    QuarrySettings settings = QuarrySettings.from(OperatorEnvironment.load(env, true, Map.of()));
    assertThat(settings.chain().network()).isEqualTo("test");
    assertThat(settings.chain().netuid()).isEqualTo(429);
    assertThat(settings.wallet().coldkey()).isEqualTo("mywallet");
    assertThat(settings.wallet().hotkey()).isEqualTo("miner1");
    BucketSettings bucket = settings.requireStorage();
    assertThat(bucket.bucketName()).isEqualTo(ACCOUNT);
    assertThat(bucket.write().secretAccessKey().reveal()).isEqualTo(WRITE_SECRET);
    assertThat(bucket.read().secretAccessKey().reveal()).isEqualTo(READ_SECRET);
    assertThat(settings.drand().enabled()).isTrue();

    assertThat(run.terminal().secretPrompts).hasSize(2).allMatch(prompt -> prompt.contains("secret access key"));
    String everythingShown = run.out() + String.join("\n", run.terminal().transcript);
    assertThat(everythingShown).doesNotContain(WRITE_SECRET).doesNotContain(READ_SECRET).contains("<redacted>");
    assertThat(Files.readString(env, StandardCharsets.UTF_8)).doesNotContain("QUARRY_MANAGEMENT_PORT").contains("BT_WALLET_HOT=miner1");
    assertThat(directory.toFile().list()).containsExactly(".env");
  }

  @Test
  void wrongAnswersAreAskedAgain() {
    Run run = run(List.of(
        "mainnet", "finney", "", "eighty-one", "81", "my wallet", "mywallet", "", "",
        "y", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", ACCOUNT, "some-other-bucket", "", "writekeyid", WRITE_SECRET,
        "writekeyid", "readkeyid", READ_SECRET, "", "maybe", "false", "gpu0", "cpu", "70000", "9200"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    String transcript = String.join("\n", run.terminal().transcript);
    assertThat(transcript)
        .contains("\"mainnet\" must be one of")
        .contains("\"eighty-one\" is not a whole number")
        .contains("\"my wallet\" is not a wallet name")
        .contains("placeholder")
        .contains("must equal the account id")
        .contains("is the WRITE key")
        .contains("\"maybe\" is not true or false")
        .contains("\"gpu0\"")
        .contains("\"70000\" must be between 0 and 65535");
    QuarrySettings settings = QuarrySettings.from(OperatorEnvironment.load(directory.resolve(".env"), true, Map.of()));
    assertThat(settings.drand().enabled()).isFalse();
    assertThat(settings.devices().generation().toString()).isEqualTo("cpu");
    assertThat(settings.node().managementPort()).hasValue(9200);
  }

  @Test
  void storageCanBeSkipped() {
    Run run = run(List.of("", "", "", "", "", "", "n", "", "", ""));
    assertThat(run.exitCode()).as(run.err()).isZero();
    QuarrySettings settings = QuarrySettings.from(OperatorEnvironment.load(directory.resolve(".env"), true, Map.of()));
    assertThat(settings.storage()).isEmpty();
    assertThat(settings.chain().network()).isEqualTo("finney");
  }

  @Test
  void anExistingFileIsKeptUnlessForced() throws IOException {
    Path env = directory.resolve(".env");
    Files.writeString(env, "NETUID=5\n");
    Run refused = run(fullAnswers());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("already exists").contains("--force");
    assertThat(Files.readString(env)).isEqualTo("NETUID=5\n");

    Run forced = run(fullAnswers(), "--force");
    assertThat(forced.exitCode()).as(forced.err()).isZero();
    assertThat(Files.readString(env)).contains("NETUID=429");
    try (var files = Files.list(directory)) {
      Path backup = files.filter(path -> path.getFileName().toString().startsWith(".env.bak-")).findFirst().orElseThrow();
      assertThat(Files.readString(backup)).isEqualTo("NETUID=5\n");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
    }
  }

  @Test
  void inputThatEndsEarlyWritesNothing() {
    Run run = run(List.of("test", "", "429"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("input ended").contains("nothing was written");
    assertThat(Files.exists(directory.resolve(".env"))).isFalse();
  }

  @Test
  void isASubcommandOfQuarry() {
    StringWriter out = new StringWriter();
    CommandLine commandLine = Quarry.commandLine();
    commandLine.setOut(new PrintWriter(out));
    assertThat(commandLine.execute("init", "--help")).isZero();
    assertThat(out.toString()).contains("Usage: quarry init").contains("--force").contains("--env-file");
  }
}
