package dev.quarry.blockzero;

import dev.quarry.storage.pytorch.PytorchCheckpointWriter;
import dev.quarry.storage.safetensors.TensorData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Shared helpers for BlockZero tests. */
public final class Fixtures {

  private Fixtures() {}

  /** The tiny model's group 0. */
  public static ExpertGroups group0() throws IOException {
    return ExpertGroups.read(TinyBlockZero.resource("tiny_expert_group_0.json"), 0);
  }

  /** Writes random expert weights of the tiny model's group as {@code model_expgroup_0.pt} in {@code directory}. */
  public static Path randomGroupFile(Path directory, long seed) throws IOException {
    ExpertGroups group = group0();
    SplittableRandom random = new SplittableRandom(seed);
    List<TensorData> tensors = new ArrayList<>();
    for (String name : group.parameterNames()) {
      long[] shape = name.contains("down_proj") ? new long[] {64, 32} : new long[] {32, 64};
      float[] values = new float[2048];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (random.nextDouble() - 0.5);
      }
      tensors.add(TensorData.ofFloat32(name, shape, values));
    }
    Path file = directory.resolve(group.fileName());
    PytorchCheckpointWriter.writeStateDict(file, tensors);
    return file;
  }

  public static ActorSystem<Void> system(String name) {
    return ActorSystem.create(Behaviors.empty(), name, com.typesafe.config.ConfigFactory
        .parseString("pekko.actor.provider = local\npekko.loglevel = WARNING").withFallback(com.typesafe.config.ConfigFactory.load()));
  }
}
