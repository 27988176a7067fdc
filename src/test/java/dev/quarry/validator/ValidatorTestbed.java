package dev.quarry.validator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.config.AccessKey;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import dev.quarry.env.Evaluation;
import dev.quarry.env.SatEnvironment;
import dev.quarry.env.runtime.EnvironmentUnavailableException;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import dev.quarry.grail.rollout.CompletionScoring;
import dev.quarry.grail.rollout.GrailSampling;
import dev.quarry.grail.rollout.GroupOutcome;
import dev.quarry.grail.rollout.PreparedProblem;
import dev.quarry.grail.rollout.ProblemPreparer;
import dev.quarry.grail.rollout.RolloutGroupAssembler;
import dev.quarry.grail.rollout.WindowContext;
import dev.quarry.model.Architecture;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.Completion;
import dev.quarry.model.DeviceSpec;
import dev.quarry.model.ProofOptions;
import dev.quarry.model.ProofResult;
import dev.quarry.model.TinyCheckpoint;
import dev.quarry.storage.checkpoint.CheckpointConsumer;
import dev.quarry.storage.checkpoint.CheckpointPublisher;
import dev.quarry.storage.checkpoint.GenerationParams;
import dev.quarry.storage.checkpoint.LocalCheckpoint;
import dev.quarry.storage.checkpoint.PublisherSettings;
import dev.quarry.storage.objectstore.EmbeddedS3Server;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import dev.quarry.storage.window.WindowFileWriter;
import dev.quarry.storage.window.WindowFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One local Grail network for the validator's tests, built once per JVM with real parts: a manual
 * {@link LocalChain} (trainer at UID 0, miners Alice, Bob, Charlie at UIDs 1–3, each with a
 * read-credential commitment), an {@link EmbeddedS3Server} holding every bucket, the tiny Qwen3
 * checkpoint published by the trainer with {@link CheckpointPublisher} (FULL, READY before the
 * window) and fetched back with {@link CheckpointConsumer}, and window files mined honestly with the
 * shared rollout glue (prompts, generation, proof pass, environment, signed rows):
 *
 * <ul>
 *   <li>Alice: one group (16 rows, all checked by a validator);
 *   <li>Bob: two groups (32 rows, so a validator spot-checks one group);
 *   <li>Charlie: a copier — one group of his own prompts with Alice's completions, otherwise honest.
 * </ul>
 *
 * Block timestamps start in 2100, so uploads made now are on time; tests move an object's
 * LastModified (the file's mtime, which the S3 server reports) to play late or later uploads.
 */
final class ValidatorTestbed implements AutoCloseable {

  static final int NETUID = 81;
  static final long WINDOW = 60;
  static final long CHECKPOINT_WINDOW = 30;
  static final int MAX_TOKENS = 40;
  static final Instant GENESIS = Instant.parse("2100-01-01T00:00:00Z");
  /** A stand-in for the drand round the miners mixed into their beacon (validators never check it). */
  static final String MINER_DRAND = "c0ffee".repeat(10) + "beef";
  static final ProtocolParameters PARAMETERS = ProtocolParameters.v5();

  private static ValidatorTestbed shared;

  final Path root;
  final LocalChain chain;
  final AccessKey serverKey = AccessKey.of("quarry-test-key", "quarry-test-secret-0123456789");
  final EmbeddedS3Server server;
  final Keypair trainer = SecretUri.dev("Ferdie");
  final Keypair alice = SecretUri.dev("Alice");
  final Keypair bob = SecretUri.dev("Bob");
  final Keypair charlie = SecretUri.dev("Charlie");
  final Map<String, String> accounts = new LinkedHashMap<>();
  final LocalCheckpoint checkpoint;
  final CausalLanguageModel model;
  final BlockHash windowHash;
  final WindowFile aliceFile;
  final WindowFile bobFile;
  final WindowFile charlieFile;

  static synchronized ValidatorTestbed shared() {
    if (shared == null) {
      try {
        shared = new ValidatorTestbed(Files.createTempDirectory("quarry-validator-testbed"));
      } catch (Exception failure) {
        throw new IllegalStateException("cannot build the validator testbed: " + failure, failure);
      }
      ValidatorTestbed built = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(built::close));
    }
    return shared;
  }

  private ValidatorTestbed(Path root) throws Exception {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    this.root = root;
    chain = LocalChain.start(new LocalChain.Config(7, Duration.ofSeconds(12), GENESIS, false, 50, 64));
    server = EmbeddedS3Server.start(root.resolve("data"), serverKey);
    accounts.put(trainer.ss58Address(), "7a".repeat(16));
    accounts.put(alice.ss58Address(), "a1".repeat(16));
    accounts.put(bob.ss58Address(), "b0".repeat(16));
    accounts.put(charlie.ss58Address(), "c4".repeat(16));
    for (Keypair neuron : List.of(trainer, alice, bob, charlie)) {
      chain.register(NETUID, neuron.accountId(), SecretUri.dev("Eve").accountId(), 1_000_000_000L).toCompletableFuture().join();
      String account = accounts.get(neuron.ss58Address());
      server.createBucket(account);
      ReadCredentialCommitment commitment = ReadCredentialCommitment.of(account, serverKey.accessKeyId(),
          serverKey.secretAccessKey().reveal());
      chain.putCommitment(NETUID, neuron.accountId(), commitment.bytes()).toCompletableFuture().join();
    }
    chain.advance((int) (WINDOW + PARAMETERS.windows().windowLength() + 5)).toCompletableFuture().join();
    windowHash = BlockHash.parse(chain.blockHash(WINDOW).toCompletableFuture().join());

    Path tiny = root.resolve("tiny-qwen3");
    TinyCheckpoint.write(tiny, Architecture.QWEN3, 1234, TinyCheckpoint.Template.CHATML);
    ObjectNode generation = new ObjectMapper().createObjectNode().put("max_tokens", MAX_TOKENS).put("temperature", 0.7)
        .put("top_p", 0.9).put("top_k", 50).put("repetition_penalty", 1.0);
    try (ObjectStore trainerBucket = ObjectStore.open(server.settings(accounts.get(trainer.ss58Address())),
        ObjectStore.Access.WRITE)) {
      CheckpointPublisher publisher = new CheckpointPublisher(trainerBucket,
          PublisherSettings.defaults(SatEnvironment.ID).withGenerationParams(generation), root.resolve("publisher"),
          Optional.empty());
      publisher.publish(CHECKPOINT_WINDOW, tiny);
      publisher.markReady(CHECKPOINT_WINDOW, CHECKPOINT_WINDOW);
      checkpoint = new CheckpointConsumer(trainerBucket, root.resolve("miner-cache")).prepare(WINDOW).orElseThrow();
    }
    model = CausalLanguageModel.load(checkpoint.directory(), DeviceSpec.cpu());

    aliceFile = mine(alice, List.of(0L), Map.of());
    bobFile = mine(bob, List.of(0L, 1L), Map.of());
    List<int[]> aliceCompletions = new ArrayList<>();
    for (RolloutRow row : aliceFile.rows()) {
      int[] tokens = row.commit().tokens();
      int promptLength = row.commit().rollout().promptLength();
      aliceCompletions.add(java.util.Arrays.copyOfRange(tokens, promptLength, tokens.length));
    }
    charlieFile = mine(charlie, List.of(0L), Map.of(0L, aliceCompletions));
  }

  /** The environments a test validator can build: SAT only (no datasets or Python needed). */
  static EnvironmentProvider environments() {
    return (id, parameters) -> {
      if (id.equals(SatEnvironment.ID)) {
        return new SatEnvironment();
      }
      throw new EnvironmentUnavailableException("the test validator only serves sat, not " + id);
    };
  }

  GenerationParams generation() {
    try {
      return checkpoint.metadata().generationParams();
    } catch (Exception impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** What the miner's own mining loop does for one window, group by group. */
  private WindowFile mine(Keypair hotkey, List<Long> groups, Map<Long, List<int[]>> forcedCompletions) throws IOException {
    GenerationParams generation = generation();
    Randomness beacon = Randomness.minerBeacon(windowHash, MINER_DRAND);
    WindowContext context = new WindowContext(WINDOW, PARAMETERS.windows().windowLength(), windowHash, beacon, true,
        CHECKPOINT_WINDOW, model.name());
    RolloutGroupAssembler assembler = new RolloutGroupAssembler(context, hotkey, PARAMETERS);
    ProblemPreparer preparer = new ProblemPreparer(new SatEnvironment(), checkpointThinkingMode(), model.chatTemplate(),
        model.tokenizer(), hotkey.ss58Address(), windowHash);
    List<RolloutRow> rows = new ArrayList<>();
    for (long group : groups) {
      PreparedProblem problem = preparer.prepare(group);
      List<int[]> completions = forcedCompletions.get(group);
      if (completions == null) {
        List<Completion> generated = model.generator().generate(Collections.nCopies(16, problem.promptTokens()),
            GrailSampling.samplingParameters(generation), generation.maxNewTokens(), hotkey.ss58Address().hashCode() * 31L + group);
        completions = generated.stream().map(Completion::tokens).toList();
      }
      List<int[]> sequences = new ArrayList<>();
      int[] promptLengths = new int[completions.size()];
      for (int i = 0; i < completions.size(); i++) {
        int[] completion = completions.get(i);
        int[] sequence = java.util.Arrays.copyOf(problem.promptTokens(), problem.promptLength() + completion.length);
        System.arraycopy(completion, 0, sequence, problem.promptLength(), completion.length);
        sequences.add(sequence);
        promptLengths[i] = problem.promptLength();
      }
      List<ProofResult> proofs = model.proofForward().run(sequences, promptLengths, ProofOptions.miner());
      List<Evaluation> evaluations = completions.stream().map(completion -> CompletionScoring.evaluate(preparer.environment(),
          problem.problem(), preparer.thinkingMode(), model.tokenizer(), completion)).toList();
      GroupOutcome outcome = assembler.assemble(problem, WINDOW + 2 + group, completions, proofs, evaluations,
          4_102_444_900.25 + group);
      if (!(outcome instanceof GroupOutcome.Assembled assembled)) {
        throw new IllegalStateException("group " + group + " of " + hotkey + " was dropped: " + outcome);
      }
      rows.addAll(assembled.rows());
    }
    return new WindowFile(hotkey.ss58Address(), WINDOW, PARAMETERS.windows().windowLength(), 4_102_444_950.5, rows);
  }

  private dev.quarry.env.ThinkingMode checkpointThinkingMode() {
    try {
      return checkpoint.metadata().thinkingMode();
    } catch (Exception impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** The validator's per-window setup for window 60, with the test validator's randomness. */
  ValidationSetup setup() {
    try {
      BlockHash afterDeadline = BlockHash.parse(chain.blockHash(WINDOW + 30).toCompletableFuture().join());
      return new ValidationSetup(PARAMETERS, WINDOW, windowHash, Randomness.validatorChallenge(afterDeadline, null),
          CHECKPOINT_WINDOW, WindowEnvironment.of(checkpoint.metadata(), environments()), model);
    } catch (Exception failure) {
      throw new IllegalStateException(failure);
    }
  }

  /** The deadline of window 60: the timestamp of block 90 minus 4 s. */
  Instant deadline() {
    return chain.blockTimestamp(WINDOW + 30).toCompletableFuture().join().minusSeconds(4);
  }

  static byte[] bytes(WindowFile file) {
    try {
      return WindowFileWriter.write(file);
    } catch (IOException failure) {
      throw new UncheckedIOException(failure);
    }
  }

  /** Uploads a miner's window file to its bucket; {@code lastModified} (if given) becomes the object's upload time. */
  void upload(Keypair miner, WindowFile file, Instant lastModified) throws IOException {
    String bucket = accounts.get(miner.ss58Address());
    String key = WindowFiles.key(miner.ss58Address(), WINDOW);
    try (ObjectStore store = ObjectStore.open(server.settings(bucket), ObjectStore.Access.WRITE)) {
      store.put(key, bytes(file));
    }
    if (lastModified != null) {
      Files.setLastModifiedTime(server.root().resolve(bucket).resolve(key), FileTime.from(lastModified));
    }
  }

  /** Removes every window file, so each test starts from empty miner buckets. */
  void clearUploads() throws IOException {
    for (Map.Entry<String, String> account : accounts.entrySet()) {
      Path windows = server.root().resolve(account.getValue()).resolve("grail").resolve("windows");
      if (Files.isDirectory(windows)) {
        try (Stream<Path> files = Files.walk(windows)) {
          for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
    }
  }

  /** A real-mode validator over the local chain and the S3 server, reading buckets with the on-chain credentials. */
  WindowValidator windowValidator(ValidatorState state, ValidatorOptions options, Path cache) {
    ChainView view = ChainView.of(chain, NETUID, Duration.ofSeconds(30));
    BucketAccess buckets = BucketAccess.reading(server.settings("unused"));
    TrainerCheckpoints checkpoints = new TrainerCheckpoints(view, buckets, cache, PARAMETERS.incentive().trainerUid());
    return new WindowValidator(view, buckets, checkpoints, environments(), state, options, "real");
  }

  @Override
  public synchronized void close() {
    model.close();
    server.close();
    chain.close();
  }
}
