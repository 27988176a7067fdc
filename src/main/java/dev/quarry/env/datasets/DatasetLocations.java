package dev.quarry.env.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where dataset repositories are looked for, in order: an operator directory holding
 * {@code <owner>/<name>/…} copies ({@code QUARRY_DATASET_DIR}), then the Hugging Face hub cache
 * ({@code $HF_HOME/hub/datasets--<owner>--<name>/snapshots/<commit>/…}, the layout huggingface_hub
 * writes and {@link HubDownloader} writes too).
 *
 * @param datasetDirectory the operator directory, if any
 * @param hubCache the hub cache ({@code $HF_HOME/hub})
 * @param revision the revision whose snapshot is read from the cache ({@code main})
 */
public record DatasetLocations(Optional<Path> datasetDirectory, Path hubCache, String revision) {

  public DatasetLocations {
    Objects.requireNonNull(datasetDirectory, "datasetDirectory");
    Objects.requireNonNull(hubCache, "hubCache");
    Objects.requireNonNull(revision, "revision");
  }

  /** The locations for an {@code HF_HOME} and an optional dataset directory, reading revision {@code main}. */
  public static DatasetLocations of(Optional<Path> datasetDirectory, Path huggingFaceHome) {
    return new DatasetLocations(datasetDirectory, huggingFaceHome.resolve("hub"), "main");
  }

  /** The cache directory of a dataset repository ({@code datasets--owner--name}). */
  public Path cacheRepository(HubDataset dataset) {
    return hubCache.resolve("datasets--" + dataset.owner() + "--" + dataset.repositoryName());
  }

  /** Candidate repository roots for a dataset, most preferred first; only existing directories. */
  public List<Path> repositories(HubDataset dataset) {
    List<Path> roots = new ArrayList<>();
    datasetDirectory.map(directory -> directory.resolve(dataset.owner()).resolve(dataset.repositoryName()))
        .filter(Files::isDirectory).ifPresent(roots::add);
    snapshot(dataset).ifPresent(roots::add);
    return roots;
  }

  /** Human-readable places searched, for "not found" messages. */
  public List<String> describe(HubDataset dataset) {
    List<String> places = new ArrayList<>();
    datasetDirectory.ifPresent(directory -> places.add(directory.resolve(dataset.owner()).resolve(dataset.repositoryName())
        + " (QUARRY_DATASET_DIR)"));
    places.add(cacheRepository(dataset) + " (Hugging Face cache, revision " + revision + ")");
    return places;
  }

  /** The snapshot the revision's ref points at, else the only or newest snapshot. */
  Optional<Path> snapshot(HubDataset dataset) {
    Path repository = cacheRepository(dataset);
    Path snapshots = repository.resolve("snapshots");
    if (!Files.isDirectory(snapshots)) {
      return Optional.empty();
    }
    Path ref = repository.resolve("refs").resolve(revision);
    try {
      if (Files.isRegularFile(ref)) {
        Path pinned = snapshots.resolve(Files.readString(ref, StandardCharsets.UTF_8).trim());
        if (Files.isDirectory(pinned)) {
          return Optional.of(pinned);
        }
      }
      try (Stream<Path> entries = Files.list(snapshots)) {
        return entries.filter(Files::isDirectory)
            .max(Comparator.comparing(path -> path.toFile().lastModified()));
      }
    } catch (IOException unreadable) {
      return Optional.empty();
    }
  }
}
