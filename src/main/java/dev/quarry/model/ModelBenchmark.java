package dev.quarry.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Throughput of the engine on this machine, against the machine's own float32 GEMM speed measured
 * in the same run: generation tokens/s at several batch sizes and proof-forward tokens/s, for the
 * tiny checkpoint and a mid-size random Qwen3. Each figure carries the useful floating-point work
 * it did (matrix multiplications and attention, counted analytically) as a fraction of that GEMM
 * roofline. Used by {@code quarry bench model}; never by tests.
 */
public final class ModelBenchmark {

  /** A Qwen3 of ~0.26B parameters (Qwen3-0.6B's width and vocabulary, 8 layers): fits in 1 GiB of f32. */
  public static final ModelConfig MID = new ModelConfig(Architecture.QWEN3, "random-qwen3-mid", 151_936, 1024, 3072,
      8, 16, 8, 64, 1e-6, 1_000_000, 4096, true, false, false, 151_643, List.of(151_645), -1);

  /** What to run. */
  public record Options(List<Integer> batchSizes, int promptTokens, int newTokens, int proofSequences,
      int proofLength, boolean includeMid, int threads) {

    public static Options defaults() {
      return new Options(List.of(1, 4, 16, 64), 64, 32, 16, 512, true, 0);
    }
  }

  /** One measurement. */
  public record Figure(String model, String workload, int batch, long tokens, double seconds, double tokensPerSecond,
      double gflopPerSecond, double rooflineFraction, double gemmJustBefore) {}

  /** The run: the GEMM roofline, the figures, and how busy the machine was. */
  public record Report(String gemm, double gemmGflopPerSecond, double gemmAtStart, double gemmAtEnd, int threads,
      String ompWaitPolicy, int availableProcessors, double loadAverageBefore, double loadAverageAfter,
      List<Figure> figures) {}

  private ModelBenchmark() {}

  public static Report run(Options options) throws IOException {
    if (options.threads() > 0) {
      Engine.getEngine("PyTorch");
      JniUtils.setNumThreads(options.threads());
    }
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    // The roofline is the best of several measurements, so a busy moment cannot flatter the fractions.
    double gemmAtStart = gemmGflopPerSecond(2048, 5);
    double gemm = gemmAtStart;
    List<Figure> figures = new ArrayList<>();
    Path directory = Files.createTempDirectory("quarry-bench");
    try {
      TinyCheckpoint.write(directory, Architecture.QWEN3, 1234, TinyCheckpoint.Template.QWEN3);
      try (CausalLanguageModel tiny = CausalLanguageModel.load(directory, DeviceSpec.cpu())) {
        measure("tiny-qwen3", tiny.transformer(), options, gemm, figures);
      }
      if (options.includeMid()) {
        NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        try (QwenTransformer mid = QwenTransformer.load(MID, new RandomWeights(), manager)) {
          measure(MID.name(), mid, options, gemm, figures);
        }
      }
    } finally {
      try (Stream<Path> paths = Files.walk(directory)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    double gemmAtEnd = gemmGflopPerSecond(2048, 5);
    if (gemmAtEnd > gemm) {
      List<Figure> rescaled = new ArrayList<>();
      for (Figure figure : figures) {
        rescaled.add(new Figure(figure.model(), figure.workload(), figure.batch(), figure.tokens(), figure.seconds(),
            figure.tokensPerSecond(), figure.gflopPerSecond(), round(figure.gflopPerSecond() / gemmAtEnd, 3),
            figure.gemmJustBefore()));
      }
      figures = rescaled;
      gemm = gemmAtEnd;
    }
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    String waitPolicy = System.getenv("OMP_WAIT_POLICY");
    return new Report("f32 2048x2048 @ 2048x2048", round(gemm, 1), round(gemmAtStart, 1), round(gemmAtEnd, 1),
        JniUtils.getNumThreads(),
        waitPolicy == null ? "(unset)" : waitPolicy, Runtime.getRuntime().availableProcessors(), round(loadBefore, 2),
        round(loadAfter, 2), figures);
  }

  /** Best of several square float32 matrix products, in GFLOP/s. */
  static double gemmGflopPerSecond(int size, int repeats) {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray a = manager.randomNormal(new Shape(size, size));
      NDArray b = manager.randomNormal(new Shape(size, size));
      a.matMul(b).close();
      double best = Double.MAX_VALUE;
      for (int i = 0; i < repeats; i++) {
        long started = System.nanoTime();
        NDArray product = a.matMul(b);
        product.toFloatArray(); // forces completion on asynchronous devices; cheap next to the product
        best = Math.min(best, (System.nanoTime() - started) / 1e9);
        product.close();
      }
      return 2.0 * size * size * size / best / 1e9;
    }
  }

  private static void measure(String name, QwenTransformer transformer, Options options, double gemm,
      List<Figure> figures) {
    ModelConfig config = transformer.config();
    SplittableRandom random = new SplittableRandom(7);
    Generator generator = new Generator(transformer, Set.of(), 151_643);
    // Grail's trainer defaults: temperature 0.7, top-p 0.9, top-k 50, no repetition penalty.
    SamplingParameters sampling = new SamplingParameters(0.7, 0.9, 50, 1.0);
    generator.generate(List.of(randomTokens(random, 8)), sampling, 4, 0); // warm-up
    for (int batch : options.batchSizes()) {
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        prompts.add(randomTokens(random, options.promptTokens()));
      }
      double probe = gemmGflopPerSecond(1024, 3);
      long started = System.nanoTime();
      List<Completion> completions = generator.generate(prompts, sampling, options.newTokens(), batch);
      double seconds = (System.nanoTime() - started) / 1e9;
      long tokens = completions.stream().mapToLong(Completion::length).sum();
      double flops = batch * generationFlops(config, options.promptTokens(), options.newTokens());
      figures.add(figure(name, "generate", batch, tokens, seconds, flops, gemm, probe));
    }
    ProofForward proof = new ProofForward(transformer);
    List<int[]> sequences = new ArrayList<>();
    int[] promptLengths = new int[options.proofSequences()];
    int promptLength = Math.max(1, options.proofLength() / 4);
    for (int i = 0; i < options.proofSequences(); i++) {
      sequences.add(randomTokens(random, options.proofLength()));
      promptLengths[i] = promptLength;
    }
    proof.run(sequences.subList(0, 1), new int[] {promptLength}, ProofOptions.miner()); // warm-up
    double probe = gemmGflopPerSecond(1024, 3);
    long started = System.nanoTime();
    proof.run(sequences, promptLengths, ProofOptions.miner());
    double seconds = (System.nanoTime() - started) / 1e9;
    long tokens = (long) options.proofSequences() * options.proofLength();
    double flops = options.proofSequences() * proofFlops(config, options.proofLength(), promptLength);
    figures.add(figure(name, "proof-forward", options.proofSequences(), tokens, seconds, flops, gemm, probe));
  }

  /** The figure; {@code probe} is a quick 1024-cube GEMM measured just before, showing contention. */
  private static Figure figure(String name, String workload, int batch, long tokens, double seconds, double flops,
      double gemm, double probe) {
    double gflopPerSecond = flops / seconds / 1e9;
    return new Figure(name, workload, batch, tokens, round(seconds, 3), round(tokens / seconds, 1),
        round(gflopPerSecond, 2), round(gflopPerSecond / gemm, 3), round(probe, 1));
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  private static int[] randomTokens(SplittableRandom random, int count) {
    int[] tokens = new int[count];
    for (int i = 0; i < count; i++) {
      tokens[i] = random.nextInt(151_643);
    }
    return tokens;
  }

  /** Multiply-adds of the decoder's projections per token, times two. */
  static double projectionFlopsPerToken(ModelConfig config) {
    double hidden = config.hiddenSize();
    double query = (double) config.attentionHeads() * config.headDim();
    double keyValue = (double) config.keyValueHeads() * config.headDim();
    double perLayer = hidden * (query + 2 * keyValue) + query * hidden + 3 * hidden * config.intermediateSize();
    return 2 * config.layerCount() * perLayer;
  }

  /** Attention scores and weighted values for one query over {@code context} keys, all layers. */
  static double attentionFlops(ModelConfig config, double context) {
    return 4.0 * config.layerCount() * config.attentionHeads() * config.headDim() * context;
  }

  static double outputFlopsPerRow(ModelConfig config) {
    return 2.0 * config.hiddenSize() * config.vocabSize();
  }

  /** One sequence: prefill the prompt (logits for its last token only), then decode newTokens. */
  static double generationFlops(ModelConfig config, int promptTokens, int newTokens) {
    double flops = promptTokens * projectionFlopsPerToken(config) + outputFlopsPerRow(config);
    for (int p = 0; p < promptTokens; p++) {
      flops += attentionFlops(config, p + 1);
    }
    for (int t = 1; t < newTokens; t++) {
      flops += projectionFlopsPerToken(config) + outputFlopsPerRow(config) + attentionFlops(config, promptTokens + t);
    }
    return flops;
  }

  /** One sequence through the proof pass: every position, logits for the completion rows. */
  static double proofFlops(ModelConfig config, int length, int promptLength) {
    double flops = length * projectionFlopsPerToken(config) + (length - promptLength) * outputFlopsPerRow(config);
    for (int p = 0; p < length; p++) {
      flops += attentionFlops(config, p + 1);
    }
    return flops;
  }
}
