package dev.quarry.blockzero;

import dev.quarry.blockzero.BlockZeroSettings.Training;
import dev.quarry.model.DeviceSpec;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings and inputs for training the tiny mixture of experts in tests. */
public final class TinyBlockZero {

  private TinyBlockZero() {}

  public static Path checkpoint() {
    return dev.quarry.model.TinyModels.checkpoint("blockzero-moe");
  }

  public static Path resource(String name) {
    return BlockZeroVectors.file("../../blockzero/" + name).normalize();
  }

  /** Group 0 of the tiny model, trained fast: lr 1e-2, 2 warm-up steps, batches of 2 sequences of 48 tokens. */
  public static BlockZeroSettings settings(Path root) {
    return new BlockZeroSettings(7, URI.create("http://127.0.0.1:1"), 0, Optional.of(resource("tiny_expert_group_0.json")),
        Optional.of(checkpoint()), Optional.of(resource("math_sample.jsonl")), new BlockZeroSettings.DataShard(0, 1), root,
        "test-run", List.of(DeviceSpec.cpu()), new Training(1e-2, 2, 60, 1, 2, 48, 1), 10, 2, Optional.empty(),
        Optional.empty(), Duration.ofSeconds(12));
  }

  public static BlockZeroSettings withDevices(BlockZeroSettings settings, List<DeviceSpec> devices) {
    return new BlockZeroSettings(settings.netuid(), settings.phaseService(), settings.expertGroup(), settings.expertAssignment(),
        settings.model(), settings.dataset(), settings.shard(), settings.root(), settings.run(), devices, settings.training(),
        settings.checkpointInterval(), settings.checkpointKeep(), settings.axon(), settings.validatorToken(), settings.blockTime());
  }
}
