package dev.quarry.validator;

import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.model.DeviceSpec;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the validator runs.
 *
 * @param parameters the protocol ({@link ProtocolParameters#v5()})
 * @param failureLookbackWindows windows a failure excludes a miner from selection (the reference's
 *     14; Grail's guide suggests 1 when debugging a miner locally)
 * @param device where the validator's forward pass runs
 * @param drandRandomness the latest drand randomness to mix into the challenge randomness, or null
 *     to use the reference's fallback {@code sha256(hash(W + 30))} (reproducible)
 */
public record ValidatorOptions(ProtocolParameters parameters, int failureLookbackWindows, DeviceSpec device,
    Supplier<String> drandRandomness) {

  public ValidatorOptions {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(device, "device");
    if (failureLookbackWindows < 1) {
      throw new IllegalArgumentException("the failure lookback is at least 1 window, got " + failureLookbackWindows);
    }
  }

  /** The reference's settings on the CPU, without drand. */
  public static ValidatorOptions defaults() {
    ProtocolParameters v5 = ProtocolParameters.v5();
    return new ValidatorOptions(v5, v5.validation().failureLookbackWindows(), DeviceSpec.cpu(), null);
  }

  public ValidatorOptions withFailureLookback(int windows) {
    return new ValidatorOptions(parameters, windows, device, drandRandomness);
  }

  public ValidatorOptions withDevice(DeviceSpec newDevice) {
    return new ValidatorOptions(parameters, failureLookbackWindows, newDevice, drandRandomness);
  }

  public ValidatorOptions withDrand(Supplier<String> latestRandomness) {
    return new ValidatorOptions(parameters, failureLookbackWindows, device, latestRandomness);
  }
}
