package dev.quarry.env.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Which Parquet files of a dataset repository hold one config's split. Hub repositories are laid
 * out as {@code <config>/<split>-NNNNN-of-NNNNN.parquet} (or {@code data/<split>-…} for datasets
 * with a single config); the hub's Parquet conversion uses {@code <config>/<split>/NNNN.parquet}.
 * Shards are read in name order, which is row order.
 */
public final class DatasetFiles {

  private static final int MAX_DEPTH = 4;

  private DatasetFiles() {}

  /** The files (repository-relative, {@code /}-separated) for a config's split, sorted; empty if none. */
  public static List<String> select(Collection<String> repositoryFiles, String config, String split) {
    List<Predicate<String>> layouts = new ArrayList<>();
    layouts.add(shard(config + "/", split));
    layouts.add(inDirectory(config + "/" + split + "/"));
    layouts.add(shard("data/" + config + "/", split));
    if (config.equals("default")) {
      layouts.add(shard("data/", split));
      layouts.add(inDirectory("data/" + split + "/"));
      layouts.add(shard("", split));
    }
    for (Predicate<String> layout : layouts) {
      List<String> matches = repositoryFiles.stream().filter(layout).sorted().toList();
      if (!matches.isEmpty()) {
        return matches;
      }
    }
    return List.of();
  }

  /** The files for a config's split inside a local repository directory, as paths. */
  public static List<Path> select(Path repository, String config, String split) {
    if (!Files.isDirectory(repository)) {
      return List.of();
    }
    List<String> relative;
    try (Stream<Path> walk = Files.walk(repository, MAX_DEPTH)) {
      relative = walk.filter(Files::isRegularFile)
          .map(path -> repository.relativize(path).toString().replace('\\', '/'))
          .toList();
    } catch (IOException unreadable) {
      throw new UncheckedIOException("cannot list " + repository, unreadable);
    }
    return select(relative, config, split).stream().map(repository::resolve).toList();
  }

  /** {@code <prefix><split>-*.parquet} directly in that directory. */
  private static Predicate<String> shard(String prefix, String split) {
    return file -> file.startsWith(prefix + split + "-") && file.endsWith(".parquet")
        && file.indexOf('/', prefix.length()) < 0;
  }

  /** Any {@code *.parquet} directly in that directory. */
  private static Predicate<String> inDirectory(String directory) {
    return file -> file.startsWith(directory) && file.endsWith(".parquet") && file.indexOf('/', directory.length()) < 0;
  }
}
