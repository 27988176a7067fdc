package dev.quarry.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Which devices generate and prove, and the generator's limits. Grail's {@code GRAIL_PIPELINE_*}
 * GPU indices are honoured when Quarry's own variables are unset, so a Grail {@code .env} keeps
 * its GPU layout.
 *
 * @param generation devices that generate rollouts
 * @param proof the device that recomputes hidden states for the proofs (one device)
 * @param maxModelLength longest prompt + completion in tokens; longer problems are skipped
 * @param maxBatchSequences most sequences one device generates together
 * @param memoryFraction share of a GPU's memory the generator may use
 * @param kernelEvaluation settings for the triton_kernel environment's GPU evaluation
 */
public record DeviceSettings(
    DeviceSelection generation,
    DeviceSelection proof,
    int maxModelLength,
    int maxBatchSequences,
    double memoryFraction,
    KernelEvaluation kernelEvaluation) {

  /** One device: the CPU, or a GPU by index. Prints as {@code cpu} or {@code gpu:N}. */
  public record Device(Kind kind, int index) {
    public enum Kind {
      CPU,
      GPU
    }

    public static Device cpu() {
      return new Device(Kind.CPU, 0);
    }

    public static Device gpu(int index) {
      return new Device(Kind.GPU, index);
    }

    @Override
    public String toString() {
      return kind == Kind.CPU ? "cpu" : "gpu:" + index;
    }
  }

  /**
   * Either {@code auto} (the model area picks: GPUs if present, else the CPU) or an explicit list.
   */
  public record DeviceSelection(boolean automatic, List<Device> devices) {
    public DeviceSelection {
      devices = List.copyOf(devices);
    }

    public static DeviceSelection auto() {
      return new DeviceSelection(true, List.of());
    }

    public static DeviceSelection of(List<Device> devices) {
      return new DeviceSelection(false, devices);
    }

    @Override
    public String toString() {
      return automatic ? "auto" : String.join(",", devices.stream().map(Device::toString).toList());
    }
  }

  /** GPU evaluation of generated Triton kernels (Grail's {@code GRAIL_GPU_EVAL}, {@code KERNEL_EVAL_*}). */
  public record KernelEvaluation(boolean onGpu, List<Integer> gpuIds, String backend, Duration timeout) {
    public KernelEvaluation {
      gpuIds = List.copyOf(gpuIds);
    }
  }

  /** Parses {@code auto}, {@code cpu}, or {@code gpu:N[,gpu:M...]} ({@code cuda:N} is accepted too). */
  static DeviceSelection parseSelection(String value) {
    String trimmed = value.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("auto")) {
      return DeviceSelection.auto();
    }
    List<Device> devices = Values.list(trimmed, DeviceSettings::parseDevice);
    if (devices.stream().distinct().count() != devices.size()) {
      throw new IllegalArgumentException("names a device twice");
    }
    return DeviceSelection.of(devices);
  }

  private static Device parseDevice(String item) {
    if (item.equals("cpu")) {
      return Device.cpu();
    }
    String[] parts = item.split(":", -1);
    if (parts.length == 2 && (parts[0].equals("gpu") || parts[0].equals("cuda"))) {
      return Device.gpu(Values.integer(parts[1], 0, 1023));
    }
    throw new IllegalArgumentException("is not a device: use auto, cpu or gpu:N");
  }
}
