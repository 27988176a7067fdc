package dev.quarry.cli;

import dev.quarry.model.ModelBenchmark;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quarry bench ...}: throughput figures for this machine. Benchmarks print numbers; they
 * never pass or fail. Other areas add their own subcommands here.
 */
@Command(
    name = "bench",
    description = "Measure throughput on this machine (prints figures as JSON).",
    mixinStandardHelpOptions = true,
    subcommands = {BenchCommand.ModelBench.class, BenchCommand.PipelineBench.class})
public final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "model", mixinStandardHelpOptions = true,
      description = "Generation tokens/s at several batch sizes and proof-forward tokens/s for the tiny checkpoint "
          + "and a mid-size random Qwen3, each as a fraction of this machine's f32 GEMM GFLOP/s measured in the same run.")
  static final class ModelBench implements Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Spec CommandSpec spec;

    @Option(names = "--batches", split = ",", defaultValue = "1,4,16,64",
        description = "Generation batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--prompt-tokens", defaultValue = "64", description = "Prompt length (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "32", description = "Tokens generated per sequence (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--proof-length", defaultValue = "512",
        description = "Tokens per proof-forward sequence, 16 sequences (default: ${DEFAULT-VALUE}).")
    int proofLength;

    @Option(names = "--skip-mid", description = "Only benchmark the tiny checkpoint.")
    boolean skipMid;

    @Option(names = "--repeats", defaultValue = "2",
        description = "Runs per figure; the fastest counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--threads", defaultValue = "0",
        description = "libtorch intra-op threads (default: libtorch's choice, one per core).")
    int threads;

    @Override
    public Integer call() throws IOException {
      if (batches.isEmpty() || batches.stream().anyMatch(batch -> batch < 1)) {
        throw new UserError("--batches must list positive batch sizes");
      }
      if (promptTokens < 1 || newTokens < 1 || proofLength < 2) {
        throw new UserError("--prompt-tokens and --new-tokens must be >= 1, --proof-length >= 2");
      }
      ModelBenchmark.Options options = new ModelBenchmark.Options(List.copyOf(batches), promptTokens, newTokens, 16,
          proofLength, !skipMid, threads, repeats);
      JsonOutput.print(spec.commandLine().getOut(), ModelBenchmark.run(options));
      return 0;
    }
  }

  @Command(name = "pipeline", mixinStandardHelpOptions = true,
      description = "Rollouts/s through the whole actor pipeline (coordinator, supervisor, node agent, streams, device worker) "
          + "against calling the engine directly on the same problems and seeds, in one run, on the local network and tiny model.")
  static final class PipelineBench implements Callable<Integer> {
    @Mixin Verbosity verbosity;
    @Spec CommandSpec spec;

    @Option(names = "--groups", defaultValue = "12", description = "Groups of 16 rollouts per measured run (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--max-tokens", defaultValue = "40", description = "Completion length (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--repeats", defaultValue = "2", description = "Measured runs per path; the fastest counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--work-dir", description = "Scratch directory (default: a temporary one, removed afterwards).")
    java.nio.file.Path workDirectory;

    @Override
    public Integer call() throws Exception {
      dev.quarry.mining.bench.PipelineBenchmark.Options options;
      try {
        options = new dev.quarry.mining.bench.PipelineBenchmark.Options(groups, maxTokens, repeats);
      } catch (IllegalArgumentException invalid) {
        throw new UserError("--groups, --max-tokens (>= 32) and --repeats: " + invalid.getMessage());
      }
      java.nio.file.Path scratch = workDirectory != null ? workDirectory : java.nio.file.Files.createTempDirectory("quarry-bench-");
      try {
        JsonOutput.print(spec.commandLine().getOut(), dev.quarry.mining.bench.PipelineBenchmark.run(options, scratch));
      } finally {
        if (workDirectory == null) {
          try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(scratch)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
          }
        }
      }
      return 0;
    }
  }
}
