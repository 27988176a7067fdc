package dev.quarry.blockzero.checkpoints;

import dev.quarry.blockzero.CheckpointName;
import dev.quarry.blockzero.ExpertGroups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hotkey's view of the checkpoint tree (the reference's {@code CheckpointCfg} layout):
 *
 * <pre>
 * root/checkpoints/miner/&lt;wallet&gt;/&lt;hotkey&gt;/&lt;run&gt;/globalver_G_inneropt_I/model_expgroup_&lt;g&gt;.pt   own
 * root/checkpoints/miner/validator_checkpoint/uid_U_hotkey_HK_globalver_G/model_expgroup_&lt;g&gt;.pt         downloads
 * root/checkpoints/miner/&lt;wallet&gt;/&lt;hotkey&gt;/&lt;run&gt;/model_io/                                           daemon state
 * </pre>
 *
 * A checkpoint counts only when its expert-group file is there, so a half-written or foreign
 * directory is never picked. Directories appear atomically: they are written as {@code .tmp_<name>}
 * and renamed. Thread-safe in the sense the file system is: the two roles are separate processes.
 */
public final class CheckpointStore {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

  private final Path minerRoot;
  private final Path own;
  private final int group;
  private final int keep;

  /**
   * @param root the tree's root ({@code QUARRY_BLOCKZERO_DIR})
   * @param wallet the coldkey wallet name
   * @param hotkey the hotkey name
   * @param run the run name
   * @param group the expert group whose file marks a complete checkpoint
   * @param keep checkpoints kept per directory
   */
  public CheckpointStore(Path root, String wallet, String hotkey, String run, int group, int keep) {
    this.minerRoot = root.resolve("checkpoints").resolve("miner");
    this.own = minerRoot.resolve(wallet).resolve(hotkey).resolve(run);
    this.group = group;
    this.keep = keep;
  }

  public Path ownDirectory() {
    return own;
  }

  public Path validatorDirectory() {
    return minerRoot.resolve("validator_checkpoint");
  }

  /** Where the model-io role keeps its state and the committed file. */
  public Path modelIoDirectory() {
    return own.resolve("model_io");
  }

  public int group() {
    return group;
  }

  /** The hotkey's complete checkpoints, oldest first. */
  public List<StoredCheckpoint> own() {
    return list(own, false);
  }

  /** Downloaded validator checkpoints holding this group's file, oldest first. */
  public List<StoredCheckpoint> validators() {
    return list(validatorDirectory(), true);
  }

  public Optional<StoredCheckpoint> bestOwn() {
    List<StoredCheckpoint> all = own();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  public Optional<StoredCheckpoint> bestValidator() {
    List<StoredCheckpoint> all = validators();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * The newest checkpoint anywhere ({@code select_best_checkpoint}): highest global version, then
   * inner step; on a tie the validator's (freshly distributed) one.
   */
  public Optional<StoredCheckpoint> best() {
    Optional<StoredCheckpoint> mine = bestOwn();
    Optional<StoredCheckpoint> theirs = bestValidator();
    if (mine.isEmpty()) {
      return theirs;
    }
    if (theirs.isEmpty()) {
      return mine;
    }
    return mine.get().name().newerThan(theirs.get().name()) ? mine : theirs;
  }

  private List<StoredCheckpoint> list(Path directory, boolean validator) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<StoredCheckpoint> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        Optional<CheckpointName> name = CheckpointName.parse(entry.getFileName().toString());
        if (name.isPresent() && name.get().fromValidator() == validator && Files.isDirectory(entry)
            && Files.isRegularFile(entry.resolve(ExpertGroups.fileName(group)))) {
          found.add(new StoredCheckpoint(name.get(), entry));
        }
      }
    } catch (IOException unreadable) {
      throw new UncheckedIOException("cannot list " + directory, unreadable);
    }
    found.sort(Comparator.comparing(StoredCheckpoint::name, CheckpointName.ORDER));
    return found;
  }

  /**
   * Writes a checkpoint directory through {@code writer} into {@code .tmp_<name>} and renames it
   * into place (replacing an existing one), so readers see it whole or not at all.
   */
  public StoredCheckpoint write(Path parent, CheckpointName name, DirectoryWriter writer) throws IOException {
    Path target = parent.resolve(name.directoryName());
    Path temporary = parent.resolve(".tmp_" + name.directoryName());
    Files.createDirectories(parent);
    deleteRecursively(temporary);
    Files.createDirectories(temporary);
    try {
      writer.write(temporary);
      if (Files.exists(target)) {
        deleteRecursively(target);
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        Files.move(temporary, target);
      }
    } finally {
      deleteRecursively(temporary);
    }
    return new StoredCheckpoint(name, target);
  }

  /** Writes one of the hotkey's own checkpoints. */
  public StoredCheckpoint writeOwn(CheckpointName name, DirectoryWriter writer) throws IOException {
    if (name.fromValidator()) {
      throw new IllegalArgumentException("own checkpoints are named globalver_G_inneropt_I");
    }
    return write(own, name, writer);
  }

  /** Deletes all but the newest {@code keep} own checkpoints, returning what was deleted. */
  public List<Path> pruneOwn() {
    return prune(own());
  }

  /** Deletes all but the newest {@code keep} validator downloads. */
  public List<Path> pruneValidators() {
    return prune(validators());
  }

  private List<Path> prune(List<StoredCheckpoint> oldestFirst) {
    List<Path> deleted = new ArrayList<>();
    for (int i = 0; i < oldestFirst.size() - keep; i++) {
      Path directory = oldestFirst.get(i).directory();
      try {
        deleteRecursively(directory);
        deleted.add(directory);
      } catch (IOException failed) {
        LOG.warn("cannot delete old checkpoint {}: {}", directory, failed.getMessage());
      }
    }
    return deleted;
  }

  /** Fills a directory with a checkpoint's files. */
  @FunctionalInterface
  public interface DirectoryWriter {
    void write(Path directory) throws IOException;
  }

  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path each : all) {
        Files.deleteIfExists(each);
      }
    }
  }
}
