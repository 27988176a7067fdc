package dev.quarry.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The two tiny checkpoints the reference vectors were computed from, regenerated with init-tiny
 * once per test JVM (deterministic from the seed) and loaded once.
 */
public final class TinyModels {

  public static final long QWEN3_SEED = 1234;
  public static final long QWEN2_SEED = 4321;
  /** The BlockZero tiny mixture of experts the training vectors were computed from. */
  public static final long MOE_SEED = 7;

  private static final Map<String, Path> CHECKPOINTS = new HashMap<>();
  private static final Map<String, CausalLanguageModel> MODELS = new HashMap<>();
  private static Path root;

  private TinyModels() {}

  static {
    // Tests share two cores with other test JVMs; libtorch's OpenMP threads spin badly when the
    // cores are oversubscribed, so the tests run libtorch single-threaded (speed lives in `quarry bench`).
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
    }
  }

  /** A fresh libtorch manager (engine configured as for the models). */
  public static ai.djl.ndarray.NDManager newManager() {
    return ai.djl.ndarray.NDManager.newBaseManager("PyTorch");
  }

  /** "qwen3" (seed 1234, Qwen3 template), "qwen2" (seed 4321, Grail's ChatML template) or "blockzero-moe" (seed 7). */
  public static synchronized Path checkpoint(String arch) {
    return CHECKPOINTS.computeIfAbsent(arch, key -> {
      try {
        if (root == null) {
          root = Files.createTempDirectory("quarry-tiny-models");
          Path directory = root;
          Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(directory)));
        }
        Path directory = root.resolve(key);
        if (key.equals("qwen3")) {
          TinyCheckpoint.write(directory, Architecture.QWEN3, QWEN3_SEED, TinyCheckpoint.Template.QWEN3);
        } else if (key.equals("blockzero-moe")) {
          TinyCheckpoint.write(directory, Architecture.BLOCKZERO_MOE, MOE_SEED, TinyCheckpoint.Template.QWEN3);
        } else {
          TinyCheckpoint.write(directory, Architecture.QWEN2, QWEN2_SEED, TinyCheckpoint.Template.CHATML);
        }
        return directory;
      } catch (IOException exception) {
        throw new UncheckedIOException(exception);
      }
    });
  }

  public static synchronized CausalLanguageModel model(String arch) {
    return MODELS.computeIfAbsent(arch, key -> {
      try {
        return CausalLanguageModel.load(checkpoint(key), DeviceSpec.cpu());
      } catch (ModelLoadException exception) {
        throw new IllegalStateException(exception);
      }
    });
  }

  public static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // best effort cleanup of a temporary directory
    }
  }
}
