package dev.quarry.env.datasets;

import dev.quarry.env.DatasetSplits;
import dev.quarry.env.Gsm8kItem;
import dev.quarry.env.HumanEvalItem;
import dev.quarry.env.KernelBenchItem;
import dev.quarry.env.MathItem;
import dev.quarry.env.MbppItem;
import dev.quarry.env.TaskSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The HF splits of every environment dataset, read from the {@link DatasetLocations} and kept in
 * memory once read. Items are built from rows as the reference's task sources build them
 * (defaults for absent columns, Python's {@code str()} of a null where the reference applies it);
 * a null the reference could not handle is a {@link DatasetFormatException}. A split that is not
 * on disk is a {@link DatasetMissingException} naming the download command. Thread-safe.
 */
public final class DatasetStore {

  /**
   * Where one config's split was found.
   *
   * @param config the dataset config
   * @param split the split
   * @param files the Parquet files, in row order (empty when missing)
   * @param optional whether the reference tolerates its absence
   */
  public record SplitFiles(String config, String split, List<Path> files, boolean optional) {
    public SplitFiles {
      files = List.copyOf(files);
    }

    public boolean present() {
      return !files.isEmpty();
    }
  }

  private final DatasetLocations locations;
  private final Map<String, List<ParquetRows.Row>> rows = new ConcurrentHashMap<>();
  private final Map<String, TaskSource<?>> sources = new ConcurrentHashMap<>();

  public DatasetStore(DatasetLocations locations) {
    this.locations = Objects.requireNonNull(locations, "locations");
  }

  public DatasetLocations locations() {
    return locations;
  }

  /** Where each config's split of a dataset is, for {@code quarry datasets list}. */
  public List<SplitFiles> status(HubDataset dataset) {
    List<SplitFiles> status = new ArrayList<>();
    for (String config : dataset.configs()) {
      for (String split : dataset.splits()) {
        status.add(new SplitFiles(config, split, files(dataset, config, split), dataset.optional(split)));
      }
    }
    return status;
  }

  /** Whether every split the reference needs is present. */
  public boolean complete(HubDataset dataset) {
    return status(dataset).stream().allMatch(split -> split.present() || split.optional());
  }

  /** The files of one config's split from the first location that has them; empty when none does. */
  public List<Path> files(HubDataset dataset, String config, String split) {
    for (Path repository : locations.repositories(dataset)) {
      List<Path> files = DatasetFiles.select(repository, config, split);
      if (!files.isEmpty()) {
        return files;
      }
    }
    return List.of();
  }

  /** GSM8K ({@code main}) {@code train} or {@code test}. */
  public TaskSource<Gsm8kItem> gsm8k(String split) {
    return source(HubDataset.GSM8K, "main", split, row -> new Gsm8kItem(
        required(row, row.text("question", "")), required(row, row.text("answer", ""))));
  }

  /** The seven MATH subjects' {@code train} or {@code test} splits, in {@link DatasetSplits#MATH_SUBJECTS} order. */
  public List<TaskSource<MathItem>> math(String split) {
    List<TaskSource<MathItem>> subjects = new ArrayList<>();
    for (String subject : DatasetSplits.MATH_SUBJECTS) {
      subjects.add(source(HubDataset.MATH, subject, split, row -> {
        String type = row.text("type", "");
        String level = row.text("level", "");
        return MathItem.fromDataset(required(row, row.text("problem", "")), required(row, row.text("solution", "")),
            type == null ? "" : type, level == null ? "None" : level);
      }));
    }
    return subjects;
  }

  /** MBPP ({@code full}) {@code train}, {@code validation} or {@code test}. */
  public TaskSource<MbppItem> mbpp(String split) {
    return source(HubDataset.MBPP, "full", split, row -> {
      Long taskId = row.integer("task_id", 0L);
      List<String> tests = row.texts("test_list", List.of());
      if (tests == null) {
        throw row.problem("test_list is null");
      }
      List<String> imports = row.texts("test_imports", List.of());
      if (imports == null) {
        throw row.problem("test_imports is null");
      }
      return new MbppItem(taskId == null ? 0 : Math.toIntExact(taskId), pythonStr(row.text("text", "")),
          pythonStr(row.text("code", "")), tests.stream().map(DatasetStore::pythonStr).toList(),
          pythonStr(row.text("test_setup_code", "")), imports.stream().map(DatasetStore::pythonStr).toList());
    });
  }

  /** HumanEval's only split, {@code test}. */
  public TaskSource<HumanEvalItem> humanEval() {
    return source(HubDataset.HUMANEVAL, "openai_humaneval", "test", row -> new HumanEvalItem(
        pythonStr(row.text("task_id", "")), pythonStr(row.text("prompt", "")), pythonStr(row.text("canonical_solution", "")),
        pythonStr(row.text("test", "")), pythonStr(row.text("entry_point", ""))));
  }

  /** Every KernelBench row, level_1 to level_4 (a missing level_4 is skipped as the reference skips it). */
  public TaskSource<KernelBenchItem> kernelBench() {
    List<TaskSource<KernelBenchItem>> levels = new ArrayList<>();
    for (String split : HubDataset.KERNELBENCH.splits()) {
      if (HubDataset.KERNELBENCH.optional(split) && files(HubDataset.KERNELBENCH, "default", split).isEmpty()) {
        continue;
      }
      long levelNumber = Long.parseLong(split.substring(split.indexOf('_') + 1));
      levels.add(source(HubDataset.KERNELBENCH, "default", split, row -> {
        Long level = row.integer("level", levelNumber);
        Long problemId = row.integer("problem_id", 0L);
        if (level == null || problemId == null) {
          throw row.problem("level and problem_id must not be null");
        }
        return new KernelBenchItem(pythonStr(row.text("code", "")), Math.toIntExact(level), pythonStr(row.text("name", "")),
            problemId, pythonStr(row.text("split", split)));
      }));
    }
    return DatasetSplits.concatenate(levels);
  }

  @SuppressWarnings("unchecked")
  private <T> TaskSource<T> source(HubDataset dataset, String config, String split, Function<ParquetRows.Row, T> item) {
    String key = dataset.repository() + "|" + config + "|" + split;
    return (TaskSource<T>) sources.computeIfAbsent(key, ignored -> {
      List<T> items = new ArrayList<>();
      for (ParquetRows.Row row : rows(dataset, config, split)) {
        items.add(item.apply(row));
      }
      return TaskSource.of(items);
    });
  }

  private List<ParquetRows.Row> rows(HubDataset dataset, String config, String split) {
    String key = dataset.repository() + "|" + config + "|" + split;
    return rows.computeIfAbsent(key, ignored -> {
      List<Path> files = files(dataset, config, split);
      if (files.isEmpty()) {
        throw new DatasetMissingException("dataset " + dataset.repository() + " (config " + config + ", split " + split
            + ") is not on this machine; looked in " + String.join(" and ", locations.describe(dataset))
            + ". Run `" + dataset.downloadCommand() + "`, or copy the repository's Parquet files to "
            + "$QUARRY_DATASET_DIR/" + dataset.repository() + "/");
      }
      List<ParquetRows.Row> all = new ArrayList<>();
      for (Path file : files) {
        all.addAll(ParquetRows.read(file));
      }
      return List.copyOf(all);
    });
  }

  private static String required(ParquetRows.Row row, String value) {
    if (value == null) {
      throw row.problem("a required text column is null");
    }
    return value;
  }

  /** Python's {@code str()} of a column value the reference wraps in it: None becomes "None". */
  private static String pythonStr(String value) {
    return value == null ? "None" : value;
  }
}
