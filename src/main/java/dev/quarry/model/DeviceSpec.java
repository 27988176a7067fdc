package dev.quarry.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Where the model runs, always chosen explicitly: {@code cpu} (the default) or {@code cuda:N}.
 * CUDA needs DJL's CUDA natives for PyTorch on the classpath (instead of the CPU natives this
 * project bundles) and a visible GPU; asking for it without both is an error, never a silent
 * fallback to the CPU.
 */
public record DeviceSpec(Kind kind, int index) {

  public enum Kind { CPU, CUDA }

  public DeviceSpec {
    if (index < 0) {
      throw new IllegalArgumentException("device index must be >= 0");
    }
  }

  public static DeviceSpec cpu() {
    return new DeviceSpec(Kind.CPU, 0);
  }

  public static DeviceSpec cuda(int index) {
    return new DeviceSpec(Kind.CUDA, index);
  }

  /** Parses {@code cpu}, {@code cuda}, {@code cuda:N} or {@code gpu:N}. */
  public static DeviceSpec parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("cpu")) {
      return cpu();
    }
    for (String prefix : new String[] {"cuda", "gpu"}) {
      if (value.equals(prefix)) {
        return cuda(0);
      }
      if (value.startsWith(prefix + ":")) {
        try {
          return cuda(Integer.parseInt(value.substring(prefix.length() + 1)));
        } catch (NumberFormatException exception) {
          break;
        }
      }
    }
    throw new IllegalArgumentException("unknown device '" + text + "'; use cpu or cuda:N");
  }

  /** The DJL device, after checking that it exists. */
  Device toDjlDevice() throws ModelLoadException {
    if (kind == Kind.CPU) {
      return Device.cpu();
    }
    int visible = Engine.getEngine("PyTorch").getGpuCount();
    if (visible <= index) {
      throw new ModelLoadException("device cuda:" + index + " requested but libtorch sees " + visible
          + " GPU(s); install DJL's CUDA natives for PyTorch and check that the GPU is visible, or use --device cpu");
    }
    return Device.gpu(index);
  }

  @Override
  public String toString() {
    return kind == Kind.CPU ? "cpu" : "cuda:" + index;
  }
}
