package dev.quarry.cli;

import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.env.datasets.DatasetLocations;
import dev.quarry.env.datasets.DatasetStore;
import dev.quarry.env.datasets.HubDataset;
import dev.quarry.env.datasets.HubDownloader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quarry datasets …}: which of the environments' Hugging Face datasets are on this machine,
 * and fetching them into the Hugging Face cache ({@code $HF_HOME/hub}) from the hub or
 * {@code HF_ENDPOINT}. The miner reads the same places (docs/environments.md).
 */
@Command(
    name = "datasets",
    mixinStandardHelpOptions = true,
    description = "List and download the Hugging Face datasets Grail's environments read (GSM8K, MATH, MBPP, HumanEval, KernelBench).",
    subcommands = {DatasetsCommand.ListCommand.class, DatasetsCommand.DownloadCommand.class})
public final class DatasetsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The operator settings that say where datasets live. */
  static final class Location {
    @Option(names = "--env-file", defaultValue = ".env", description = "Operator settings file (default: ${DEFAULT-VALUE}; optional).")
    Path envFile;

    @Option(names = "--dataset-dir", description = "A directory of dataset repositories (<owner>/<name>/...); overrides QUARRY_DATASET_DIR.")
    Path datasetDirectory;

    QuarrySettings settings() {
      return QuarrySettings.from(OperatorEnvironment.load(envFile, false, System.getenv()));
    }

    DatasetLocations locations(QuarrySettings settings) {
      Optional<Path> directory = datasetDirectory != null ? Optional.of(datasetDirectory.toAbsolutePath())
          : settings.environments().datasetDirectory();
      return DatasetLocations.of(directory, settings.paths().huggingFaceHome());
    }
  }

  static List<HubDataset> chosen(List<String> names) {
    if (names == null || names.isEmpty()) {
      return Arrays.asList(HubDataset.values());
    }
    List<HubDataset> datasets = new ArrayList<>();
    for (String name : names) {
      datasets.add(HubDataset.named(name).orElseThrow(() -> new UserError("unknown dataset '" + name + "'; use one of "
          + Arrays.stream(HubDataset.values()).map(HubDataset::shortName).toList() + " or 'all'")));
    }
    return datasets;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Where each dataset split is found (dataset directory or Hugging Face cache), as JSON.")
  static final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Mixin Location location;

    @Parameters(arity = "0..*", paramLabel = "DATASET", description = "Datasets to show (default: all).")
    List<String> names;

    @Override
    public Integer call() {
      QuarrySettings settings = location.settings();
      DatasetStore store = new DatasetStore(location.locations(settings));
      List<Map<String, Object>> datasets = new ArrayList<>();
      for (HubDataset dataset : chosen(names)) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", dataset.shortName());
        entry.put("repository", dataset.repository());
        entry.put("environments", dataset.environments());
        entry.put("complete", store.complete(dataset));
        List<Map<String, Object>> splits = new ArrayList<>();
        for (DatasetStore.SplitFiles split : store.status(dataset)) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("config", split.config());
          row.put("split", split.split());
          row.put("present", split.present());
          row.put("optional", split.optional());
          row.put("files", split.files().stream().map(Path::toString).toList());
          splits.add(row);
        }
        entry.put("splits", splits);
        if (!store.complete(dataset)) {
          entry.put("how_to_get", dataset.downloadCommand());
        }
        datasets.add(entry);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("dataset_directory", store.locations().datasetDirectory().map(Path::toString).orElse(null));
      out.put("hub_cache", store.locations().hubCache().toString());
      out.put("datasets", datasets);
      JsonOutput.print(spec.commandLine().getOut(), out);
      return 0;
    }
  }

  @Command(name = "download", mixinStandardHelpOptions = true,
      description = "Download datasets' Parquet files into the Hugging Face cache ($HF_HOME/hub), from the hub or HF_ENDPOINT.")
  static final class DownloadCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Mixin Location location;

    @Parameters(arity = "0..*", paramLabel = "DATASET",
        description = "gsm8k, math, mbpp, humaneval, kernelbench or all (default: all).")
    List<String> names;

    @Option(names = "--revision", defaultValue = "main", description = "Branch, tag or commit (default: ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--endpoint", description = "Hub or mirror URL; overrides HF_ENDPOINT.")
    URI endpoint;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds allowed per request (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
      QuarrySettings settings = location.settings();
      URI hub = endpoint != null ? endpoint : settings.environments().huggingFaceEndpoint();
      Path hubCache = settings.paths().huggingFaceHome().resolve("hub");
      HubDownloader downloader = new HubDownloader(hub, HubDownloader.token(settings.environments().huggingFaceToken(),
          settings.paths().huggingFaceHome()), hubCache, Duration.ofSeconds(timeoutSeconds));
      List<String> requested = names == null || names.contains("all") ? List.of() : names;
      List<Map<String, Object>> results = new ArrayList<>();
      for (HubDataset dataset : chosen(requested)) {
        spec.commandLine().getErr().println("downloading " + dataset.repository() + " (" + revision + ") from " + hub);
        spec.commandLine().getErr().flush();
        HubDownloader.Result result;
        try {
          result = downloader.download(dataset, revision, (path, bytes, present) -> {
            spec.commandLine().getErr().println("  " + path + (present ? " (already here)" : " (" + bytes + " bytes)"));
            spec.commandLine().getErr().flush();
          });
        } catch (HubDownloader.HubException problem) {
          throw new UserError(dataset.repository() + ": " + problem.getMessage());
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", dataset.shortName());
        entry.put("repository", dataset.repository());
        entry.put("commit", result.commit());
        entry.put("snapshot", result.snapshot().toString());
        entry.put("downloaded", result.downloaded());
        entry.put("already_present", result.present());
        entry.put("bytes", result.bytes());
        entry.put("missing_optional", result.missingOptional());
        results.add(entry);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("endpoint", hub.toString());
      out.put("hub_cache", hubCache.toString());
      out.put("datasets", results);
      JsonOutput.print(spec.commandLine().getOut(), out);
      return 0;
    }
  }
}
