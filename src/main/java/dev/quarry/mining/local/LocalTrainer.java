package dev.quarry.mining.local;

import dev.quarry.model.Architecture;
import dev.quarry.model.TinyCheckpoint;
import dev.quarry.storage.checkpoint.CheckpointPublisher;
import dev.quarry.storage.checkpoint.PublisherSettings;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.safetensors.HalfPrecision;
import dev.quarry.storage.safetensors.SafetensorsFile;
import dev.quarry.storage.safetensors.SafetensorsWriter;
import dev.quarry.storage.safetensors.TensorDType;
import dev.quarry.storage.safetensors.TensorData;
import dev.quarry.storage.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded network's trainer: it publishes the tiny checkpoint ({@code model init-tiny}) to the
 * trainer bucket the way Grail's trainer does — a FULL checkpoint first, then one DELTA per window
 * with a READY marker once it is uploaded — so miners go through the real consumer path: READY
 * rule, metadata, downloads, delta rebuilds, hashes. "Training" nudges a few weights of one tensor
 * per window, enough that every DELTA really changes the model.
 */
public final class LocalTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(LocalTrainer.class);
  /** The tensor whose values change each window (the final norm: 64 values, every position sees it). */
  static final String TRAINED_TENSOR = "model.norm.weight";

  private final CheckpointPublisher publisher;
  private final Path workDirectory;
  private final long seed;
  private Path current;
  private long lastPublished = -1;

  /**
   * @param trainerBucket the trainer's bucket, opened for writing
   * @param workDirectory where model versions and the publisher's state are kept
   */
  public LocalTrainer(ObjectStore trainerBucket, PublisherSettings settings, Path workDirectory, long seed) {
    this.publisher = new CheckpointPublisher(trainerBucket, settings, workDirectory.resolve("publisher"), java.util.Optional.empty());
    this.workDirectory = workDirectory;
    this.seed = seed;
  }

  /** The last published window, or -1. */
  public synchronized long lastPublished() {
    return lastPublished;
  }

  /** Publishes checkpoint {@code window}: FULL the first time, a DELTA of slightly changed weights after; then READY-{@code readyWindow}. */
  public synchronized void publish(long window, long readyWindow) throws IOException {
    long started = System.nanoTime();
    Path next = workDirectory.resolve("model-" + window);
    if (current == null) {
      TinyCheckpoint.write(next, Architecture.QWEN3, seed, TinyCheckpoint.Template.CHATML);
    } else {
      train(current, next, seed ^ window);
    }
    CheckpointPublisher.PublishedCheckpoint published = publisher.publish(window, next);
    publisher.markReady(window, readyWindow);
    if (current != null) {
      deleteTree(current);
    }
    current = next;
    lastPublished = window;
    LOG.info("local trainer: checkpoint-{} {} READY-{} ({} bytes in {} ms)", window, published.type(), readyWindow,
        published.bytesUploaded(), (System.nanoTime() - started) / 1_000_000);
  }

  /** Copies {@code from} to {@code to}, changing a handful of values of {@link #TRAINED_TENSOR}. */
  static void train(Path from, Path to, long step) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        if (!file.getFileName().toString().equals("model.safetensors")) {
          Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    List<TensorData> tensors = new ArrayList<>();
    Map<String, String> metadata;
    try (SafetensorsFile weights = SafetensorsFile.open(from.resolve("model.safetensors"))) {
      metadata = weights.metadata();
      for (TensorInfo info : weights.tensors()) {
        TensorData data = weights.tensorData(info.name());
        tensors.add(info.name().equals(TRAINED_TENSOR) ? nudge(data, step) : copy(data));
      }
    }
    SafetensorsWriter.write(to.resolve("model.safetensors"), tensors, metadata);
  }

  private static TensorData copy(TensorData data) {
    ByteBuffer source = data.data();
    ByteBuffer bytes = ByteBuffer.allocate(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    bytes.put(source.duplicate()).flip();
    return new TensorData(data.name(), data.dtype(), data.shape(), bytes);
  }

  private static TensorData nudge(TensorData data, long step) {
    if (data.dtype() != TensorDType.BF16) {
      throw new IllegalStateException(TRAINED_TENSOR + " is " + data.dtype() + ", expected BF16");
    }
    ByteBuffer source = data.data();
    ByteBuffer bytes = ByteBuffer.allocate(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    bytes.put(source.duplicate()).flip();
    SplittableRandom random = new SplittableRandom(step);
    int values = bytes.remaining() / 2;
    for (int i = 0; i < 4; i++) {
      int index = random.nextInt(values);
      float value = HalfPrecision.bfloat16ToFloat(bytes.getShort(2 * index));
      bytes.putShort(2 * index, HalfPrecision.floatToBfloat16(value * (float) (1.0 + (random.nextDouble() - 0.5) * 0.2)));
    }
    return new TensorData(data.name(), data.dtype(), data.shape(), bytes);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
