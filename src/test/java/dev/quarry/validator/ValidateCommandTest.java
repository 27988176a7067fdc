package dev.quarry.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.cli.Quarry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code quarry validate} as an operator runs it: {@code --local} over what a local run left in its
 * data directory (objects under {@code s3/}, the chain snapshot), {@code --miner} for one hotkey,
 * {@code --file} for a Parquet file and a checkpoint directory; text and {@code --json}, exit codes.
 */
class ValidateCommandTest {

  private static final ValidatorTestbed TESTBED = ValidatorTestbed.shared();
  private static final String ALICE = TESTBED.alice.ss58Address();

  @TempDir Path directory;

  private record Run(int exitCode, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  private static Run run(String... args) {
    CommandLine commandLine = Quarry.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @BeforeEach
  void emptyBuckets() throws Exception {
    TESTBED.clearUploads();
  }

  private Path recordLocalRun() throws Exception {
    Path dataDirectory = TESTBED.server.root().getParent();
    ChainSnapshot.record(ChainSnapshot.file(dataDirectory), TESTBED.chain, ValidatorTestbed.NETUID, 30, 0, Duration.ofSeconds(30));
    return dataDirectory;
  }

  @Test
  void localModeValidatesTheWindowAndKeepsItsState() throws Exception {
    TESTBED.upload(TESTBED.alice, TESTBED.aliceFile, null);
    TESTBED.upload(TESTBED.bob, Tamper.row(TESTBED.bobFile, 3, row -> Tamper.nonce(row, 2)), null);
    Path dataDirectory = recordLocalRun();
    Path state = directory.resolve("state.json");

    Run run = run("validate", "--local", "--data-dir", dataDirectory.toString(), "--window", "60", "--json",
        "--state", state.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    JsonNode report = run.json();
    assertThat(report.get("mode").asText()).isEqualTo("local");
    assertThat(report.get("checkpoint_window").asLong()).isEqualTo(30);
    assertThat(report.get("discovery").get("active").asInt()).isEqualTo(2);
    JsonNode alice = report.get("miners").get(0);
    assertThat(alice.get("hotkey").asText()).isEqualTo(ALICE);
    assertThat(alice.get("status").asText()).isEqualTo("valid");
    assertThat(alice.get("rows")).hasSize(16);
    assertThat(alice.get("rows").get(0).get("measures").get("max_sketch_distance").asLong()).isZero();
    JsonNode bob = report.get("miners").get(1);
    assertThat(bob.get("status").asText()).isEqualTo("failed");
    assertThat(bob.get("failure").get("check").asText()).isEqualTo("structure");
    assertThat(bob.get("failure").get("row").asInt()).isEqualTo(3);
    assertThat(bob.get("failure").get("reason").asText()).startsWith("nonce 2 appears twice");
    assertThat(report.get("weights").get("windows_processed").asInt()).isEqualTo(1);
    assertThat(Files.readString(state)).contains("\"windows_processed\" : 1");

    Run again = run("validate", "--local", "--data-dir", dataDirectory.toString(), "--window", "60", "--state", state.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains(TESTBED.bob.ss58Address() + " (uid 2): BANNED").contains("failed within the last 14 windows")
        .contains(ALICE + " (uid 1): VALID — 16 of 16 checked rows valid (all rows)");

    Run single = run("validate", "--local", "--data-dir", dataDirectory.toString(), "--window", "60", "--miner",
        TESTBED.bob.ss58Address(), "--rows");
    assertThat(single.exitCode()).isEqualTo(1);
    assertThat(single.out()).contains("(uid 2): FAILED at structure, row 3: nonce 2 appears twice");
  }

  @Test
  void localModeWithoutARunSaysWhatIsMissing() {
    Run run = run("validate", "--local", "--data-dir", directory.toString(), "--window", "60");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no local run in " + directory).contains("chain/snapshot.json does not exist");
  }

  @Test
  void aFileIsCheckedAgainstACheckpointDirectory() throws Exception {
    Path honest = directory.resolve("alice.parquet");
    Files.write(honest, ValidatorTestbed.bytes(TESTBED.aliceFile));
    String deadlineHash = TESTBED.chain.blockHash(90).toCompletableFuture().join();

    Run valid = run("validate", "--file", honest.toString(), "--checkpoint", TESTBED.checkpoint.directory().toString(),
        "--block-hash", TESTBED.windowHash.value(), "--deadline-block-hash", deadlineHash);

    assertThat(valid.exitCode()).as(valid.err()).isZero();
    assertThat(valid.out()).contains("window 60 (file), checkpoint 30, environment sat")
        .contains(ALICE + ": VALID — 16 of 16 checked rows valid (all rows)");

    Path tampered = directory.resolve("tampered.parquet");
    Files.write(tampered, ValidatorTestbed.bytes(Tamper.row(TESTBED.aliceFile, 5, row ->
        Tamper.commit(row, Tamper.signature(row.commit(), Tamper.bindingSignature(row.commit(), TESTBED.bob))))));
    Run failed = run("validate", "--file", tampered.toString(), "--checkpoint", TESTBED.checkpoint.directory().toString(),
        "--block-hash", TESTBED.windowHash.value(), "--json");
    assertThat(failed.exitCode()).isEqualTo(1);
    JsonNode miner = failed.json().get("miners").get(0);
    assertThat(miner.get("failure").get("check").asText()).isEqualTo("proof_valid");
    assertThat(miner.get("failure").get("row").asInt()).isEqualTo(5);
    assertThat(failed.json().get("challenge_source").asText()).startsWith("sha256(hash(W)) (a stand-in");
  }

  @Test
  void badArgumentsAreOperatorErrors() {
    Run run = run("validate", "--file", directory.resolve("none.parquet").toString(), "--checkpoint", directory.toString(),
        "--block-hash", "0x1234");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--block-hash: a block hash is 32 bytes of hex");
  }
}
