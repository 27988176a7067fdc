package dev.quarry.mining;

import ai.djl.engine.Engine;
import dev.quarry.config.DeviceSettings;
import dev.quarry.model.DeviceSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The devices of one node: which generate rollouts, which one runs the proof pass (the same device
 * or a separate one — Grail's pipeline mode), and the generator's limits. A device that both
 * generates and proves holds one model; separate devices each hold their own copy.
 *
 * @param generation generation devices, at least one
 * @param proof the proof device
 * @param maxModelLength longest prompt + completion accepted ({@code GRAIL_PIPELINE_MAX_MODEL_LEN})
 * @param maxBatchSequences most sequences one device generates together ({@code GRAIL_PIPELINE_MAX_NUM_SEQS})
 */
public record DevicePlan(List<DeviceSpec> generation, DeviceSpec proof, int maxModelLength, int maxBatchSequences) {

  public DevicePlan {
    generation = List.copyOf(generation);
    if (generation.isEmpty()) {
      throw new IllegalArgumentException("at least one generation device is needed");
    }
    if (maxModelLength < 2 || maxBatchSequences < 1) {
      throw new IllegalArgumentException("max model length must be >= 2 and max batch sequences >= 1");
    }
  }

  /** The CPU for everything (the embedded default and tests). */
  public static DevicePlan cpu(int maxModelLength, int maxBatchSequences) {
    return new DevicePlan(List.of(DeviceSpec.cpu()), DeviceSpec.cpu(), maxModelLength, maxBatchSequences);
  }

  /** Every distinct device, generation devices first. */
  public List<DeviceSpec> devices() {
    Set<DeviceSpec> all = new LinkedHashSet<>(generation);
    all.add(proof);
    return List.copyOf(all);
  }

  /**
   * The operator's choice made concrete. {@code auto} asks libtorch how many GPUs it sees: none means
   * the CPU does everything; one GPU does everything; with more, the last GPU proves and the others
   * generate (pipeline mode).
   */
  public static DevicePlan resolve(DeviceSettings settings) {
    List<DeviceSpec> generation = new ArrayList<>();
    DeviceSpec proof;
    int gpus = settings.generation().automatic() || settings.proof().automatic() ? visibleGpus() : 0;
    if (settings.generation().automatic()) {
      if (gpus == 0) {
        generation.add(DeviceSpec.cpu());
      } else if (gpus == 1 || !settings.proof().automatic()) {
        for (int i = 0; i < gpus; i++) {
          generation.add(DeviceSpec.cuda(i));
        }
      } else {
        for (int i = 0; i < gpus - 1; i++) {
          generation.add(DeviceSpec.cuda(i));
        }
      }
    } else {
      settings.generation().devices().forEach(device -> generation.add(spec(device)));
    }
    if (settings.proof().automatic()) {
      proof = gpus == 0 ? DeviceSpec.cpu() : gpus == 1 ? DeviceSpec.cuda(0) : DeviceSpec.cuda(gpus - 1);
    } else {
      proof = spec(settings.proof().devices().get(0));
    }
    return new DevicePlan(generation, proof, settings.maxModelLength(), settings.maxBatchSequences());
  }

  private static DeviceSpec spec(DeviceSettings.Device device) {
    return device.kind() == DeviceSettings.Device.Kind.CPU ? DeviceSpec.cpu() : DeviceSpec.cuda(device.index());
  }

  private static int visibleGpus() {
    try {
      return Engine.getEngine("PyTorch").getGpuCount();
    } catch (RuntimeException unavailable) {
      return 0;
    }
  }
}
