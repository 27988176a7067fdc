package dev.quarry.mining.coordinator;

import dev.quarry.mining.TrainerBucket;
import dev.quarry.storage.checkpoint.CheckpointConsumer;
import dev.quarry.storage.checkpoint.CheckpointMetadata;
import dev.quarry.storage.checkpoint.CorruptCheckpointException;
import dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The coordinator's view of the trainer's bucket: which checkpoint the READY rule picks for a window
 * and its metadata, checked as miners must use it. It downloads nothing but metadata; the worker
 * nodes fetch the weights. Blocking; one caller at a time.
 */
final class CheckpointSelector implements AutoCloseable {

  /** The checkpoint for a window and its usable metadata. */
  record Selection(long checkpointWindow, CheckpointMetadata metadata) {}

  private final TrainerBucket trainerBucket;
  private final Path cacheRoot;
  private ObjectStoreSettings settings;
  private ObjectStore store;
  private CheckpointConsumer consumer;

  CheckpointSelector(TrainerBucket trainerBucket, Path cacheRoot) {
    this.trainerBucket = trainerBucket;
    this.cacheRoot = cacheRoot;
  }

  /**
   * The checkpoint miners must use in {@code window}, or empty when none is READY yet.
   *
   * @throws InvalidCheckpointMetadataException when its metadata cannot drive mining (the window is skipped)
   */
  synchronized Optional<Selection> select(long window) throws IOException, InvalidCheckpointMetadataException {
    CheckpointConsumer checkpoints = consumer();
    OptionalLong checkpoint = checkpoints.latestReadyCheckpoint(window);
    if (checkpoint.isEmpty()) {
      return Optional.empty();
    }
    CheckpointMetadata metadata = checkpoints.metadata(checkpoint.getAsLong()).orElseThrow(() -> new CorruptCheckpointException(
        "checkpoint-" + checkpoint.getAsLong() + " is marked READY but has no metadata.json"));
    metadata.requireUsableForMining();
    return Optional.of(new Selection(checkpoint.getAsLong(), metadata));
  }

  private CheckpointConsumer consumer() throws IOException {
    ObjectStoreSettings current = trainerBucket.settings();
    if (consumer == null || !current.equals(settings)) {
      close();
      settings = current;
      store = ObjectStore.open(current, ObjectStore.Access.READ);
      consumer = new CheckpointConsumer(store, cacheRoot);
    }
    return consumer;
  }

  @Override
  public synchronized void close() {
    if (store != null) {
      store.close();
      store = null;
      consumer = null;
    }
  }
}
