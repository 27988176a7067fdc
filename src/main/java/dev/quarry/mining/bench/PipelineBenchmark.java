package dev.quarry.mining.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.quarry.chain.drand.WindowBeaconSource;
import dev.quarry.config.ClusterConfiguration;
import dev.quarry.config.NodeSettings;
import dev.quarry.env.Environment;
import dev.quarry.env.Evaluation;
import dev.quarry.env.ThinkingMode;
import dev.quarry.env.runtime.EnvironmentParameters;
import dev.quarry.grail.rollout.CommittedProof;
import dev.quarry.grail.rollout.CompletionScoring;
import dev.quarry.grail.rollout.GrailSampling;
import dev.quarry.grail.rollout.GroupOutcome;
import dev.quarry.grail.rollout.PreparedProblem;
import dev.quarry.grail.rollout.ProblemPreparer;
import dev.quarry.grail.rollout.RolloutGroupAssembler;
import dev.quarry.http.Metrics;
import dev.quarry.mining.DevicePlan;
import dev.quarry.mining.GroupFiles;
import dev.quarry.mining.MinerSetup;
import dev.quarry.mining.MiningEvents;
import dev.quarry.mining.MiningNode;
import dev.quarry.mining.WindowPlan;
import dev.quarry.mining.WindowReport;
import dev.quarry.mining.local.LocalNetwork;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.Completion;
import dev.quarry.model.DeviceSpec;
import dev.quarry.model.ProofOptions;
import dev.quarry.model.SamplingParameters;
import dev.quarry.storage.checkpoint.CheckpointMetadata;
import dev.quarry.storage.checkpoint.GenerationParams;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFileReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * {@code quarry bench pipeline}: the same Grail work — the same problems, seeds, batches and model —
 * once through the whole actor pipeline (coordinator singleton, window supervisor, node agent, streams,
 * device worker, group transfer and collection) and once by calling the engine directly in a loop,
 * in one run, on the local network with the tiny model. It reports rollouts per second both ways, the
 * pipeline's overhead, and whether both produced the same completions (they must: same seeds, same
 * batches).
 *
 * <p>The pipeline is timed two ways: from the moment the node receives the window's plan (the
 * checkpoint is already loaded by a warm-up window, but the node still prepares the window) and from
 * the first problem handed out, each to its last finished group; the direct loop from its first
 * problem to its last group. None includes the upload. The overhead compares the second (the same
 * span the direct loop covers).
 */
public final class PipelineBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param groups problems per measured window
   * @param maxTokens the trainer's max_tokens (completion length)
   * @param repeats measured runs per path; the fastest counts
   */
  public record Options(int groups, int maxTokens, int repeats) {
    public Options {
      if (groups < 1 || maxTokens < 32 || repeats < 1) {
        throw new IllegalArgumentException("groups >= 1, max tokens >= 32 and repeats >= 1 are required");
      }
    }
  }

  private PipelineBenchmark() {}

  /** Runs both paths in a scratch directory and returns the figures. */
  public static ObjectNode run(Options options, Path scratch) throws Exception {
    Files.createDirectories(scratch);
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    NodeSettings node = new NodeSettings(Optional.of(List.of("coordinator", "worker")), Optional.of("127.0.0.1"),
        OptionalInt.of(0), Optional.of(List.of()), Optional.of("127.0.0.1"), OptionalInt.of(0));
    Config config = ClusterConfiguration.load(node);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), config.getString("quarry.actor-system-name"), config);
    LocalNetwork network = null;
    try {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      waitFor(() -> cluster.selfMember().status() == MemberStatus.up(), Duration.ofSeconds(60));
      // An hour per block: the timing rule never ends a window; the problem limit does.
      network = LocalNetwork.start(LocalNetwork.Settings.defaults(scratch.resolve("network")).withBlockTime(Duration.ofHours(1))
          .withMaxTokens(options.maxTokens()).manual());
      Recorder recorder = new Recorder();
      Path nodeDirectory = scratch.resolve("node");
      MinerSetup setup = network.minerSetup(nodeDirectory, Metrics.create("bench", "bench"), new WindowBeaconSource(null, false),
          DevicePlan.cpu(40_960, 16), recorder).withProblemLimit(options.groups());
      MiningNode.start(system, setup);
      // Window 30 warms up (checkpoint download, model load, JIT); windows 60, 90, ... are measured.
      network.chain().advance(1).toCompletableFuture().get(30, TimeUnit.SECONDS);
      recorder.awaitWindow(30);
      // Alternate the two paths so that load from other processes affects both alike; the fastest run of each counts.
      double bestPipeline = Double.MAX_VALUE;
      double bestPipelineWork = Double.MAX_VALUE;
      double bestDirect = Double.MAX_VALUE;
      List<RolloutRow> pipelineRows = List.of();
      List<RolloutRow> directRows = List.of();
      Path checkpointDirectory = nodeDirectory.resolve("checkpoints").resolve("checkpoint-0");
      try (CausalLanguageModel model = CausalLanguageModel.load(checkpointDirectory, DeviceSpec.cpu())) {
        for (int run = 0; run < options.repeats(); run++) {
          long window = 60 + 30L * run;
          network.chain().advance(30).toCompletableFuture().get(30, TimeUnit.SECONDS);
          WindowReport report = recorder.awaitWindow(window);
          if (report.groups() != options.groups()) {
            throw new IllegalStateException("window " + window + " produced " + report.groups() + " groups, not " + options.groups()
                + ": " + report);
          }
          bestPipeline = Math.min(bestPipeline, recorder.pipelineSeconds(window));
          bestPipelineWork = Math.min(bestPipelineWork, recorder.pipelineWorkSeconds(window));
          WindowPlan plan = recorder.plans.get(window);
          Path stored = network.objectRoot().resolve(LocalNetwork.MINER_BUCKET)
              .resolve(dev.quarry.storage.window.WindowFiles.key(setup.hotkey().ss58Address(), window));
          pipelineRows = WindowFileReader.read(Files.readAllBytes(stored)).rows();
          long started = System.nanoTime();
          directRows = direct(setup, plan, model, options.groups());
          bestDirect = Math.min(bestDirect, (System.nanoTime() - started) / 1e9);
        }
      }
      int rollouts = options.groups() * setup.protocol().rollouts().rolloutsPerProblem();
      ObjectNode result = JSON.createObjectNode();
      result.put("groups", options.groups());
      result.put("rollouts", rollouts);
      result.put("maxTokens", options.maxTokens());
      result.put("repeats", options.repeats());
      result.put("pipelineSecondsFromPlan", round(bestPipeline));
      result.put("pipelineSeconds", round(bestPipelineWork));
      result.put("directSeconds", round(bestDirect));
      result.put("pipelineRolloutsPerSecondFromPlan", round(rollouts / bestPipeline));
      result.put("pipelineRolloutsPerSecond", round(rollouts / bestPipelineWork));
      result.put("directRolloutsPerSecond", round(rollouts / bestDirect));
      result.put("overheadPercent", round(100.0 * (1 - bestDirect / bestPipelineWork)));
      result.put("sameCompletions", sameCompletions(pipelineRows, directRows));
      result.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "libtorch default"));
      result.put("loadAverageBefore", round(loadBefore));
      result.put("loadAverageAfter", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
      return result;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (network != null) {
        network.close();
      }
    }
  }

  /**
   * The same groups the pipeline makes for problems {@code 0 .. groups-1} of {@code plan}, by calling
   * the engine and the Grail glue in a plain loop on this thread (same seeds and batches as the
   * device worker uses with 16 sequences per batch).
   */
  public static List<RolloutRow> direct(MinerSetup setup, WindowPlan plan, CausalLanguageModel model, int groups) throws Exception {
    CheckpointMetadata metadata = plan.metadata();
    ThinkingMode mode = metadata.thinkingMode();
    GenerationParams generation = metadata.generationParams();
    JsonNode envParams = metadata.envParams();
    Environment environment = setup.environments().environment(metadata.envId().orElseThrow(), EnvironmentParameters.of(
        envParams.hasNonNull("split") ? envParams.get("split").asText() : null, envParams.path("gpu_eval").asBoolean(false)));
    var context = plan.context(model.config().name());
    ProblemPreparer preparer = new ProblemPreparer(environment, mode, model.chatTemplate(), model.tokenizer(),
        setup.hotkey().ss58Address(), context.blockHash());
    RolloutGroupAssembler assembler = new RolloutGroupAssembler(context, setup.hotkey(), setup.protocol());
    SamplingParameters sampling = GrailSampling.samplingParameters(generation);
    int groupSize = setup.protocol().rollouts().rolloutsPerProblem();
    Set<Integer> stop = Set.of(model.eosTokenId());
    List<RolloutRow> rows = new ArrayList<>();
    for (long index = 0; index < groups; index++) {
      PreparedProblem problem = preparer.prepare(index);
      long seed = plan.windowStart() * 1_000_003L + index;
      List<Completion> completions = model.generator().generate(Collections.nCopies(groupSize, problem.promptTokens()), sampling,
          generation.maxNewTokens(), seed, stop);
      List<int[]> completionTokens = completions.stream().map(Completion::tokens).toList();
      int[] prompt = problem.promptTokens();
      List<int[]> sequences = new ArrayList<>();
      int[] promptLengths = new int[groupSize];
      for (int i = 0; i < groupSize; i++) {
        int[] completion = completionTokens.get(i);
        int[] sequence = Arrays.copyOf(prompt, prompt.length + completion.length);
        System.arraycopy(completion, 0, sequence, prompt.length, completion.length);
        sequences.add(sequence);
        promptLengths[i] = prompt.length;
      }
      List<CommittedProof> proofs = new ArrayList<>();
      model.proofForward().run(sequences, promptLengths, ProofOptions.miner(), result -> proofs.add(assembler.commit(result)));
      List<Evaluation> evaluations = new ArrayList<>();
      for (int[] completion : completionTokens) {
        evaluations.add(CompletionScoring.evaluate(environment, problem.problem(), mode, model.tokenizer(), completion));
      }
      double timestamp = System.currentTimeMillis() / 1000.0;
      GroupOutcome outcome = assembler.assembleCommitted(problem, plan.windowStart(), completionTokens, proofs, evaluations, timestamp);
      if (outcome instanceof GroupOutcome.Assembled assembled) {
        byte[] file = GroupFiles.encode(setup.hotkey().ss58Address(), plan.windowStart(), plan.windowLength(), timestamp,
            assembled.rows());
        rows.addAll(GroupFiles.decode(file, plan.windowStart(), index, groupSize));
      }
    }
    return rows;
  }

  private static boolean sameCompletions(List<RolloutRow> pipeline, List<RolloutRow> direct) {
    if (pipeline.size() != direct.size()) {
      return false;
    }
    Map<Long, int[]> byNonce = new HashMap<>();
    pipeline.forEach(row -> byNonce.put(row.nonce(), row.commit().tokens()));
    return direct.stream().allMatch(row -> Arrays.equals(byNonce.get(row.nonce()), row.commit().tokens()));
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + limit.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  /** Plans, group times and window reports, as the node reports them. */
  private static final class Recorder implements MiningEvents {
    final Map<Long, WindowPlan> plans = new ConcurrentHashMap<>();
    final Map<Long, Long> openedAt = new ConcurrentHashMap<>();
    final Map<Long, Long> lastGroupAt = new ConcurrentHashMap<>();
    final Map<Long, Long> firstGrantAt = new ConcurrentHashMap<>();
    final BlockingQueue<WindowReport> reports = new LinkedBlockingQueue<>();

    @Override
    public void windowOpened(String node, WindowPlan plan) {
      plans.put(plan.windowStart(), plan);
      openedAt.put(plan.windowStart(), System.nanoTime());
    }

    @Override
    public void problemGranted(String node, long windowStart, long problemIndex) {
      firstGrantAt.putIfAbsent(windowStart, System.nanoTime());
    }

    @Override
    public void groupFinished(String node, long windowStart, long problemIndex) {
      lastGroupAt.put(windowStart, System.nanoTime());
    }

    @Override
    public void windowFinished(WindowReport report) {
      reports.add(report);
    }

    WindowReport awaitWindow(long window) throws InterruptedException, IOException {
      while (true) {
        WindowReport report = reports.poll(10, TimeUnit.MINUTES);
        if (report == null) {
          throw new IOException("window " + window + " did not finish within 10 minutes");
        }
        if (report.windowStart() == window) {
          return report;
        }
      }
    }

    double pipelineSeconds(long window) {
      return (lastGroupAt.get(window) - openedAt.get(window)) / 1e9;
    }

    double pipelineWorkSeconds(long window) {
      return (lastGroupAt.get(window) - firstGrantAt.get(window)) / 1e9;
    }
  }
}
