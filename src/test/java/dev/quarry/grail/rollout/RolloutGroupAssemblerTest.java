package dev.quarry.grail.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import dev.quarry.crypto.Sr25519;
import dev.quarry.env.Evaluation;
import dev.quarry.env.SatEnvironment;
import dev.quarry.env.ThinkingMode;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.CommitBinding;
import dev.quarry.grail.protocol.GrpoAdvantages;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.grail.protocol.Sketch;
import dev.quarry.model.Architecture;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.Completion;
import dev.quarry.model.DeviceSpec;
import dev.quarry.model.ProofOptions;
import dev.quarry.model.ProofResult;
import dev.quarry.model.SamplingParameters;
import dev.quarry.model.TinyCheckpoint;
import dev.quarry.storage.window.RolloutRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real group on the tiny model: generate, prove, score, assemble — then check every row the way a
 * validator would (signatures over the binding digest and the challenge, sketches recomputed from
 * the proof's hidden states, advantages, nonces, lengths).
 */
class RolloutGroupAssemblerTest {

  private static final ProtocolParameters PARAMETERS = ProtocolParameters.v5();
  private static final BlockHash BLOCK_HASH = BlockHash.parse("0x" + "5e".repeat(32));
  private static final Randomness BEACON = Randomness.minerBeacon(BLOCK_HASH, "ab".repeat(32));

  @TempDir static Path directory;
  private static CausalLanguageModel model;
  private static Keypair hotkey;

  @BeforeAll
  static void loadModel() throws Exception {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    Path checkpoint = directory.resolve("tiny");
    TinyCheckpoint.write(checkpoint, Architecture.QWEN2, 4321, TinyCheckpoint.Template.CHATML);
    model = CausalLanguageModel.load(checkpoint, DeviceSpec.cpu());
    hotkey = SecretUri.dev("Alice");
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  private static WindowContext context() {
    return new WindowContext(600, 30, BLOCK_HASH, BEACON, true, 570, "quarry-tiny-qwen2");
  }

  private record Group(PreparedProblem problem, List<int[]> completions, List<ProofResult> proofs,
      List<Evaluation> evaluations) {}

  private static Group runGroup(long index, int maxNewTokens) {
    SatEnvironment environment = new SatEnvironment();
    ProblemPreparer preparer = new ProblemPreparer(environment, ThinkingMode.INSTRUCTED, model.chatTemplate(),
        model.tokenizer(), hotkey.ss58Address(), BLOCK_HASH);
    PreparedProblem problem = preparer.prepare(index);
    List<int[]> prompts = Collections.nCopies(16, problem.promptTokens());
    List<Completion> completions = model.generator()
        .generate(prompts, new SamplingParameters(0.7, 0.9, 50, 1.0), maxNewTokens, 42L + index);
    List<int[]> completionTokens = completions.stream().map(Completion::tokens).toList();
    List<int[]> sequences = new ArrayList<>();
    int[] promptLengths = new int[16];
    for (int i = 0; i < 16; i++) {
      int[] completion = completionTokens.get(i);
      int[] sequence = new int[problem.promptLength() + completion.length];
      System.arraycopy(problem.promptTokens(), 0, sequence, 0, problem.promptLength());
      System.arraycopy(completion, 0, sequence, problem.promptLength(), completion.length);
      sequences.add(sequence);
      promptLengths[i] = problem.promptLength();
    }
    List<ProofResult> proofs = model.proofForward().run(sequences, promptLengths, ProofOptions.miner());
    List<Evaluation> evaluations = completionTokens.stream()
        .map(tokens -> CompletionScoring.evaluate(environment, problem.problem(), ThinkingMode.INSTRUCTED,
            model.tokenizer(), tokens))
        .toList();
    return new Group(problem, completionTokens, proofs, evaluations);
  }

  @Test
  void assembledRowsVerifyAsAValidatorChecksThem() throws Exception {
    Group group = runGroup(3, 40);
    RolloutGroupAssembler assembler = new RolloutGroupAssembler(context(), hotkey, PARAMETERS);

    GroupOutcome outcome = assembler.assemble(group.problem(), 612, group.completions(), group.proofs(),
        group.evaluations(), 1_700_000_000.5);

    assertThat(outcome).isInstanceOf(GroupOutcome.Assembled.class);
    List<RolloutRow> rows = ((GroupOutcome.Assembled) outcome).rows();
    assertThat(rows).hasSize(16);
    Sketch sketch = Sketch.v5();
    int[] coefficients = sketch.coefficients(BEACON);
    double[] rewards = new double[16];
    double[] advantages = new double[16];
    Set<Long> nonces = new HashSet<>();
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < 16; i++) {
      RolloutRow row = rows.get(i);
      int[] tokens = row.commit().tokens();
      ProofResult proof = group.proofs().get(i);
      assertThat(row.windowStart()).isEqualTo(600);
      assertThat(row.blockHash()).isEqualTo(BLOCK_HASH.value());
      assertThat(row.rolloutGroup()).isEqualTo(3);
      assertThat(row.nonce()).isEqualTo(3 * 16 + i);
      nonces.add(row.nonce());
      assertThat(row.checkpointWindow()).isEqualTo(570);
      assertThat(row.hotkey()).isEqualTo(hotkey.ss58Address());
      assertThat(row.commit().rollout().promptLength() + row.commit().rollout().completionLength()).isEqualTo(tokens.length);
      assertThat(row.commit().rollout().tokenLogprobs()).hasSize(tokens.length);
      assertThat(row.commit().beaconJson()).isEqualTo("{\"randomness\": \"" + BEACON.hex() + "\"}");

      long[] committed = json.readTree(row.commit().commitmentsJson()).findValues("sketch").stream()
          .mapToLong(node -> node.asLong()).toArray();
      assertThat(committed).hasSize(tokens.length);
      assertThat(committed).containsExactly(sketch.commitAll(proof.hiddenStates(), tokens.length, proof.hiddenSize(), coefficients));

      byte[] binding = CommitBinding.digest(tokens, BEACON, "quarry-tiny-qwen2", -1, committed);
      assertThat(Sr25519.verify(hotkey.publicKey(), binding, Hex.decode(row.commit().signature()))).isTrue();
      assertThat(row.challenge()).isEqualTo("|" + BLOCK_HASH.value() + "|" + row.nonce());
      assertThat(Sr25519.verify(hotkey.publicKey(), row.challenge().getBytes(StandardCharsets.UTF_8),
          Hex.decode(row.signature()))).isTrue();
      rewards[i] = row.commit().rollout().totalReward();
      advantages[i] = row.commit().rollout().advantage();
      assertThat(rewards[i]).isEqualTo(group.evaluations().get(i).reward());
    }
    assertThat(nonces).hasSize(16);
    assertThat(GrpoAdvantages.check(rewards, advantages).valid()).isTrue();
  }

  @Test
  void aGroupWithAShortCompletionIsDroppedWhole() {
    Group group = runGroup(1, 40);
    List<int[]> completions = new ArrayList<>(group.completions());
    int[] shortened = java.util.Arrays.copyOf(completions.get(5), 31);
    completions.set(5, shortened);

    GroupOutcome outcome = new RolloutGroupAssembler(context(), hotkey, PARAMETERS)
        .assemble(group.problem(), 612, completions, group.proofs(), group.evaluations(), 0);

    assertThat(outcome).isInstanceOf(GroupOutcome.Dropped.class);
    GroupOutcome.Dropped dropped = (GroupOutcome.Dropped) outcome;
    assertThat(dropped.reason()).isEqualTo(GroupOutcome.DropReason.SHORT_COMPLETION);
    assertThat(dropped.detail()).contains("rollout 5").contains("31");
  }

  @Test
  void aProofOfAnotherSequenceIsRefused() {
    Group group = runGroup(2, 40);
    List<ProofResult> proofs = new ArrayList<>(group.proofs());
    Collections.swap(proofs, 0, 1);
    boolean sameCompletion = java.util.Arrays.equals(group.completions().get(0), group.completions().get(1));

    GroupOutcome outcome = new RolloutGroupAssembler(context(), hotkey, PARAMETERS)
        .assemble(group.problem(), 612, group.completions(), proofs, group.evaluations(), 0);

    assertThat(sameCompletion).as("sampled completions differ, so the swapped proofs belong to other sequences").isFalse();
    assertThat(outcome).isInstanceOf(GroupOutcome.Dropped.class);
    assertThat(((GroupOutcome.Dropped) outcome).reason()).isEqualTo(GroupOutcome.DropReason.PROOF_FAILED);
  }
}
