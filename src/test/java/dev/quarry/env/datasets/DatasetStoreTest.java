package dev.quarry.env.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.DatasetSplits;
import dev.quarry.env.EnvVectors;
import dev.quarry.env.Gsm8kItem;
import dev.quarry.env.HumanEvalItem;
import dev.quarry.env.KernelBenchItem;
import dev.quarry.env.MathItem;
import dev.quarry.env.MbppItem;
import dev.quarry.env.TaskSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the HF Parquet splits from a dataset directory or the HF cache, into the reference's items. */
class DatasetStoreTest {

  @TempDir Path temp;

  private static final Map<String, String> MBPP_COLUMNS = new LinkedHashMap<>(Map.of());

  static {
    MBPP_COLUMNS.put("task_id", "int32");
    MBPP_COLUMNS.put("text", "string");
    MBPP_COLUMNS.put("code", "string");
    MBPP_COLUMNS.put("test_list", "strings");
    MBPP_COLUMNS.put("test_setup_code", "string");
    MBPP_COLUMNS.put("challenge_test_list", "strings");
  }

  private DatasetStore fixtures() {
    return new DatasetStore(DatasetLocations.of(Optional.of(TestParquet.pyarrowFixtures()), temp.resolve("hf-home")));
  }

  @Test
  void readsPyarrowWrittenFilesOfEveryDataset() {
    DatasetStore store = fixtures();
    TaskSource<Gsm8kItem> train = store.gsm8k("train");
    // Two shards, read in name order.
    assertThat(train.size()).isEqualTo(5);
    assertThat(train.get(0).question()).isEqualTo("Q0: How many apples? \u00e9");
    assertThat(train.get(3).question()).isEqualTo("Q0+3");
    TaskSource<Gsm8kItem> test = store.gsm8k("test");
    assertThat(test.get(0).question()).isEqualTo("T0 \uD83D\uDE00");
    assertThat(test.get(1).question()).isEmpty();

    TaskSource<MbppItem> mbpp = store.mbpp("train");
    assertThat(mbpp.size()).isEqualTo(4);
    assertThat(mbpp.get(0).taskId()).isEqualTo(601);
    assertThat(mbpp.get(0).code()).isEqualTo("def f0(x):\r\n    return x");
    assertThat(mbpp.get(0).testSetupCode()).isEqualTo("import math");
    assertThat(mbpp.get(1).testList()).containsExactly("assert f1(1) == 1", "assert f1(2) == 2", "assert True");
    assertThat(mbpp.get(1).testImports()).isEmpty();

    HumanEvalItem humanEval = store.humanEval().get(2);
    assertThat(humanEval.taskId()).isEqualTo("HumanEval/2");
    assertThat(humanEval.entryPoint()).isEqualTo("h2");

    TaskSource<KernelBenchItem> kernels = store.kernelBench();
    assertThat(kernels.size()).isEqualTo(6); // level_4 is absent and skipped, as the reference skips it
    assertThat(kernels.get(3).level()).isEqualTo(2);
    assertThat(kernels.get(3).originalSplit()).isEqualTo("level_2");
    assertThat(kernels.get(0).code()).contains("{braces}");
  }

  @Test
  void mathSubjectsSpanRowGroupsAndAMissingSubjectNamesTheDownloadCommand() {
    DatasetStore store = fixtures();
    assertThat(store.files(HubDataset.MATH, "algebra", "train")).hasSize(1);
    assertThatThrownBy(() -> store.math("train"))
        .isInstanceOf(DatasetMissingException.class)
        .hasMessageContaining("EleutherAI/hendrycks_math")
        .hasMessageContaining("counting_and_probability")
        .hasMessageContaining("quarry datasets download math");
    List<ParquetRows.Row> rows = ParquetRows.read(store.files(HubDataset.MATH, "algebra", "train").get(0));
    assertThat(rows).hasSize(7);
    MathItem item = MathItem.fromDataset((String) rows.get(6).values().get("problem"), (String) rows.get(6).values().get("solution"),
        "Algebra", (String) rows.get(6).values().get("level"));
    assertThat(item.answer()).isEqualTo("\\frac{6}{2}");
    assertThat(item.level()).isEqualTo(2);
  }

  @Test
  void aMissingDatasetSaysWhereItLookedAndHowToGetIt() {
    DatasetStore store = new DatasetStore(DatasetLocations.of(Optional.empty(), temp.resolve("empty-hf-home")));
    assertThatThrownBy(() -> store.gsm8k("train"))
        .isInstanceOf(DatasetMissingException.class)
        .hasMessageContaining("openai/gsm8k")
        .hasMessageContaining(temp.resolve("empty-hf-home").resolve("hub").resolve("datasets--openai--gsm8k").toString())
        .hasMessageContaining("quarry datasets download gsm8k")
        .hasMessageContaining("QUARRY_DATASET_DIR");
    assertThat(store.complete(HubDataset.GSM8K)).isFalse();
  }

  @Test
  void findsTheHuggingFaceCacheLayoutAndPrefersTheDatasetDirectory() throws IOException {
    Path home = temp.resolve("hf-home");
    Path repository = home.resolve("hub").resolve("datasets--openai--gsm8k");
    Path snapshot = repository.resolve("snapshots").resolve("0123abcd");
    Files.createDirectories(repository.resolve("refs"));
    Files.writeString(repository.resolve("refs").resolve("main"), "0123abcd", StandardCharsets.UTF_8);
    Files.createDirectories(repository.resolve("snapshots").resolve("ffff0000"));
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("question", "string");
    columns.put("answer", "string");
    TestParquet.write(snapshot.resolve("main").resolve("train-00000-of-00001.parquet"), columns,
        List.of(Map.of("question", "cached", "answer", "#### 1")));
    DatasetStore cacheOnly = new DatasetStore(DatasetLocations.of(Optional.empty(), home));
    assertThat(cacheOnly.gsm8k("train").get(0).question()).isEqualTo("cached");
    DatasetStore both = new DatasetStore(DatasetLocations.of(Optional.of(TestParquet.pyarrowFixtures()), home));
    assertThat(both.gsm8k("train").get(0).question()).startsWith("Q0");
  }

  @Test
  void mbppRowsWrittenByParquetJavaFollowTheReferenceSplit() {
    JsonNode vectors = EnvVectors.load("env_python_code.json");
    Path directory = temp.resolve("datasets");
    Path mbpp = directory.resolve("google-research-datasets").resolve("mbpp").resolve("full");
    Map<String, Integer> bases = Map.of("train", 601, "validation", 511, "test", 11);
    for (String split : List.of("train", "validation", "test")) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < vectors.get("mbpp_hf_sizes").get(split).asInt(); i++) {
        Map<String, Object> row = new HashMap<>();
        row.put("task_id", bases.get(split) + i);
        row.put("text", "problem " + i);
        row.put("code", "def f(x):\r\n    return x");
        row.put("test_list", List.of("assert f(1) == 1"));
        row.put("test_setup_code", "");
        row.put("challenge_test_list", List.of());
        rows.add(row);
      }
      TestParquet.write(mbpp.resolve(split + "-00000-of-00001.parquet"), MBPP_COLUMNS, rows);
    }
    DatasetStore store = new DatasetStore(DatasetLocations.of(Optional.of(directory), temp.resolve("hf-home")));
    TaskSource<MbppItem> train = DatasetSplits.mbpp(DatasetSplits.Split.TRAIN, store.mbpp("train"), store.mbpp("validation"), store.mbpp("test"));
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      ids.add(train.get(i).taskId());
    }
    List<Integer> expected = new ArrayList<>();
    vectors.get("mbpp_splits").get("train").forEach(node -> expected.add(node.asInt()));
    assertThat(ids).containsExactlyElementsOf(expected);
  }

  @Test
  void nullsBecomeWhatTheReferenceMakesOfThemOrAClearError() {
    Path directory = temp.resolve("datasets");
    Map<String, Object> row = new HashMap<>();
    row.put("task_id", null);
    row.put("text", null);
    row.put("code", "def f(): pass");
    row.put("test_list", List.of("assert True"));
    TestParquet.write(directory.resolve("google-research-datasets/mbpp/full/train-00000-of-00001.parquet"), MBPP_COLUMNS, List.of(row));
    Map<String, String> gsmColumns = new LinkedHashMap<>();
    gsmColumns.put("question", "string");
    gsmColumns.put("answer", "string");
    Map<String, Object> nullQuestion = new HashMap<>();
    nullQuestion.put("question", null);
    nullQuestion.put("answer", "#### 1");
    TestParquet.write(directory.resolve("openai/gsm8k/main/test-00000-of-00001.parquet"), gsmColumns, List.of(nullQuestion));
    DatasetStore store = new DatasetStore(DatasetLocations.of(Optional.of(directory), temp.resolve("hf-home")));
    MbppItem item = store.mbpp("train").get(0);
    assertThat(item.taskId()).isZero(); // int(task_id) if task_id is not None else 0
    assertThat(item.text()).isEqualTo("None"); // str(None)
    assertThatThrownBy(() -> store.gsm8k("test")).isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("test-00000-of-00001.parquet, row 0");
  }

  @Test
  void aCorruptFileIsAClearError() throws IOException {
    Path directory = temp.resolve("datasets");
    Path file = directory.resolve("openai/openai_humaneval/openai_humaneval/test-00000-of-00001.parquet");
    Files.createDirectories(file.getParent());
    Files.write(file, "PAR1 this is not parquet PAR1".getBytes(StandardCharsets.US_ASCII));
    DatasetStore store = new DatasetStore(DatasetLocations.of(Optional.of(directory), temp.resolve("hf-home")));
    assertThatThrownBy(store::humanEval).isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("download the dataset again");
  }

  @Test
  void fileLayoutsOfTheHubAndItsParquetConversion() {
    List<String> files = List.of("README.md", "main/train-00000-of-00002.parquet", "main/train-00001-of-00002.parquet",
        "main/test-00000-of-00001.parquet", "socratic/train-00000-of-00001.parquet", "data/level_1-00000-of-00001.parquet",
        "algebra/train/0000.parquet", "algebra/train/0001.parquet", "main/train-extra/x.parquet");
    assertThat(DatasetFiles.select(files, "main", "train"))
        .containsExactly("main/train-00000-of-00002.parquet", "main/train-00001-of-00002.parquet");
    assertThat(DatasetFiles.select(files, "default", "level_1")).containsExactly("data/level_1-00000-of-00001.parquet");
    assertThat(DatasetFiles.select(files, "algebra", "train")).containsExactly("algebra/train/0000.parquet", "algebra/train/0001.parquet");
    assertThat(DatasetFiles.select(files, "main", "validation")).isEmpty();
    assertThat(HubDataset.named("GSM8K")).contains(HubDataset.GSM8K);
    assertThat(HubDataset.named("openai/openai_humaneval")).contains(HubDataset.HUMANEVAL);
    assertThat(HubDataset.forEnvironment("python_code")).contains(HubDataset.MBPP);
    assertThat(HubDataset.forEnvironment("sat")).isEmpty();
  }
}
