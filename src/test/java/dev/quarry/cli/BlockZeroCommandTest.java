package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.blockzero.BlockZeroVectors;
import dev.quarry.blockzero.TinyBlockZero;
import dev.quarry.blockzero.miner.ModelIoState;
import dev.quarry.crypto.Mnemonic;
import dev.quarry.crypto.wallet.WalletLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quarry blockzero hash|train|model-io} as an operator runs them. */
class BlockZeroCommandTest {

  @Test
  void hashPrintsTheReferenceModelHash() {
    CommandRun run = CommandRun.run("blockzero", "hash", BlockZeroVectors.file("pytorch/model_expgroup_0.pt").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.json().get("model_hash").asText()).isEqualTo(BlockZeroVectors.load("pytorch/files.json").get("files").get(0)
        .get("reference_hash").asText());
    CommandRun refused = CommandRun.run("blockzero", "hash", BlockZeroVectors.file("pytorch/evil.pt").toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("posix.system").doesNotContain("Exception");
  }

  @Test
  void trainRefusesMissingInputsByName(@TempDir Path temp) throws Exception {
    Path env = temp.resolve("blockzero.env");
    Files.writeString(env, "QUARRY_BLOCKZERO_DIR=" + temp + "\nQUARRY_BLOCKZERO_DATASET=" + temp.resolve("missing.jsonl") + "\n");
    CommandRun run = CommandRun.run("blockzero", "train", "--env-file", env.toString());
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("QUARRY_BLOCKZERO_MODEL").contains("QUARRY_BLOCKZERO_EXPERT_ASSIGNMENT")
        .contains("missing.jsonl is not a file");
  }

  @Test
  void trainWritesCheckpointsAndModelIoRunsAgainstALocalSubnet(@TempDir Path temp) throws Exception {
    Path wallets = temp.resolve("wallets");
    new WalletLoader(wallets, Map.of()).createHotkey("miner", "default", Mnemonic.generate(12, new java.security.SecureRandom()), false);
    Path env = temp.resolve("blockzero.env");
    Files.writeString(env, String.join("\n",
        "BT_WALLET_PATH=" + wallets, "BT_WALLET_COLD=miner", "BT_WALLET_HOT=default", "QUARRY_MANAGEMENT_PORT=0",
        "QUARRY_BLOCKZERO_DIR=" + temp.resolve("blockzero"), "QUARRY_BLOCKZERO_MODEL=" + TinyBlockZero.checkpoint(),
        "QUARRY_BLOCKZERO_EXPERT_ASSIGNMENT=" + TinyBlockZero.resource("tiny_expert_group_0.json"),
        "QUARRY_BLOCKZERO_DATASET=" + TinyBlockZero.resource("math_sample.jsonl"), "QUARRY_BLOCKZERO_LR=0.01",
        "QUARRY_BLOCKZERO_WARMUP_STEPS=1", "QUARRY_BLOCKZERO_GRADIENT_ACCUMULATION=1", "QUARRY_BLOCKZERO_BATCH_SIZE=1",
        "QUARRY_BLOCKZERO_SEQUENCE_LENGTH=32", "QUARRY_BLOCKZERO_CHECKPOINT_INTERVAL=2", "QUARRY_BLOCKZERO_NETUID=12") + "\n");
    CommandRun train = CommandRun.run("blockzero", "train", "--env-file", env.toString(), "--steps", "3");
    assertThat(train.exitCode()).as(train.err()).isZero();
    assertThat(train.out()).contains("stopped after step 3 on version 0");
    Path run = temp.resolve("blockzero/checkpoints/miner/miner/default/foundation");
    // Step 2 on the interval, step 3 when stopping.
    assertThat(run.resolve("globalver_0_inneropt_2/model_expgroup_0.pt")).isRegularFile();
    assertThat(run.resolve("globalver_0_inneropt_3/model_expgroup_0.pt")).isRegularFile();

    CommandRun modelIo = CommandRun.run("blockzero", "model-io", "--env-file", env.toString(), "--local", "--phases", "1,1,2,3,1,1",
        "--block-ms", "200", "--for", "6s");
    assertThat(modelIo.exitCode()).as(modelIo.err()).isZero();
    assertThat(modelIo.out()).contains("local subnet 12").contains("stopping after 6s");
    // A cycle of 13 blocks (2.6 s) ran at least once: the newest checkpoint was committed and the state saved on stop.
    ModelIoState state = ModelIoState.read(run.resolve("model_io"));
    assertThat(state.committed()).isNotNull();
    assertThat(state.committed().innerStep()).isEqualTo(3);
    assertThat(temp.resolve("blockzero/checkpoints/miner/validator_checkpoint")).isDirectory();
  }
}
