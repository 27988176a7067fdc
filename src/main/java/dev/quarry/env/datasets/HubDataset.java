package dev.quarry.env.datasets;

import dev.quarry.env.DatasetSplits;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Hugging Face datasets Grail's environments read, with the configs and splits the reference
 * loads ({@code grail/environments/providers.py}, {@code gpu_kernel/task_sources.py}).
 */
public enum HubDataset {
  GSM8K("gsm8k", "openai/gsm8k", List.of("main"), List.of("train", "test"), Set.of(), List.of("gsm8k")),
  MATH("math", "EleutherAI/hendrycks_math", DatasetSplits.MATH_SUBJECTS, List.of("train", "test"), Set.of(), List.of("math")),
  MBPP("mbpp", "google-research-datasets/mbpp", List.of("full"), List.of("train", "validation", "test"), Set.of(),
      List.of("mbpp", "python_code")),
  /** The reference loads the legacy id {@code openai_humaneval}, which the hub serves as this repository. */
  HUMANEVAL("humaneval", "openai/openai_humaneval", List.of("openai_humaneval"), List.of("test"), Set.of(), List.of("humaneval")),
  /** level_4 is optional: the reference skips a level split that fails to load. */
  KERNELBENCH("kernelbench", "ScalingIntelligence/KernelBench", List.of("default"), List.of("level_1", "level_2", "level_3", "level_4"),
      Set.of("level_4"), List.of("triton_kernel"));

  private final String shortName;
  private final String repository;
  private final List<String> configs;
  private final List<String> splits;
  private final Set<String> optionalSplits;
  private final List<String> environments;

  HubDataset(String shortName, String repository, List<String> configs, List<String> splits, Set<String> optionalSplits,
      List<String> environments) {
    this.shortName = shortName;
    this.repository = repository;
    this.configs = configs;
    this.splits = splits;
    this.optionalSplits = optionalSplits;
    this.environments = environments;
  }

  /** The name the CLI uses, e.g. {@code gsm8k}. */
  public String shortName() {
    return shortName;
  }

  /** {@code owner/name} on the hub. */
  public String repository() {
    return repository;
  }

  public String owner() {
    return repository.substring(0, repository.indexOf('/'));
  }

  /** The repository name without its owner. */
  public String repositoryName() {
    return repository.substring(repository.indexOf('/') + 1);
  }

  /** Dataset configs (subsets) read, in the reference's order; {@code default} when there is one. */
  public List<String> configs() {
    return configs;
  }

  /** Splits read from every config. */
  public List<String> splits() {
    return splits;
  }

  /** Whether the reference tolerates the split being absent. */
  public boolean optional(String split) {
    return optionalSplits.contains(split);
  }

  /** The environment ids that read this dataset. */
  public List<String> environments() {
    return environments;
  }

  /** The dataset named on the command line (short name or repository, any case). */
  public static Optional<HubDataset> named(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(dataset -> dataset.shortName.equals(wanted) || dataset.repository.toLowerCase(Locale.ROOT).equals(wanted))
        .findFirst();
  }

  /** The dataset an environment reads, if any (SAT reads none). */
  public static Optional<HubDataset> forEnvironment(String environmentId) {
    return Arrays.stream(values()).filter(dataset -> dataset.environments.contains(environmentId)).findFirst();
  }

  /** The command that fetches this dataset, for error messages. */
  public String downloadCommand() {
    return "quarry datasets download " + shortName;
  }
}
