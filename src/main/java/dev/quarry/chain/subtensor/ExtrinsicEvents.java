package dev.quarry.chain.subtensor;

import dev.quarry.chain.metadata.RuntimeMetadata;
import dev.quarry.chain.metadata.ScaleValueDecoder;
import dev.quarry.chain.metadata.ScaleValueDecoder.EnumValue;
import dev.quarry.chain.scale.ScaleReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a block's {@code System.Events} with the metadata's type registry and finds what
 * happened to one extrinsic: {@code System.ExtrinsicSuccess}, or {@code System.ExtrinsicFailed}
 * with its dispatch error named from the metadata (e.g. {@code SubtensorModule.ServingRateLimitExceeded}).
 */
public final class ExtrinsicEvents {

  /** The outcome of one extrinsic; {@code error} is null on success. */
  public record Outcome(boolean success, String error, List<String> events) {}

  private ExtrinsicEvents() {}

  /** The outcome of the extrinsic at {@code index} in the block, or empty if it emitted no result event. */
  public static Optional<Outcome> outcome(RuntimeMetadata metadata, byte[] eventsStorage, int index) {
    int eventsType = metadata.pallet("System").flatMap(p -> p.storageEntry("Events")).orElseThrow().valueType();
    ScaleReader in = new ScaleReader(eventsStorage);
    Object decoded = new ScaleValueDecoder(metadata.types()).decode(eventsType, in);
    in.expectEnd("System.Events");
    List<String> names = new ArrayList<>();
    Boolean success = null;
    String error = null;
    for (Object item : (List<?>) decoded) {
      Map<?, ?> record = (Map<?, ?>) item;
      EnumValue phase = (EnumValue) record.get("phase");
      if (!"ApplyExtrinsic".equals(phase.name()) || ((Number) phase.value()).intValue() != index) {
        continue;
      }
      EnumValue pallet = (EnumValue) record.get("event");
      EnumValue event = (EnumValue) pallet.value();
      names.add(pallet.name() + "." + event.name());
      if (pallet.name().equals("System") && event.name().equals("ExtrinsicSuccess")) {
        success = true;
      } else if (pallet.name().equals("System") && event.name().equals("ExtrinsicFailed")) {
        success = false;
        Object fields = event.value();
        Object dispatchError = fields instanceof Map<?, ?> map ? map.get("dispatch_error") : fields;
        error = describe(metadata, dispatchError);
      }
    }
    return success == null ? Optional.empty() : Optional.of(new Outcome(success, error, List.copyOf(names)));
  }

  /** A readable name for a {@code DispatchError} value. */
  static String describe(RuntimeMetadata metadata, Object dispatchError) {
    if (!(dispatchError instanceof EnumValue error)) {
      return String.valueOf(dispatchError);
    }
    if (error.name().equals("Module") && error.value() instanceof Map<?, ?> module) {
      int palletIndex = ((Number) module.get("index")).intValue();
      byte[] code = (byte[]) module.get("error");
      int errorIndex = code[0] & 0xff;
      return metadata.errorName(palletIndex, errorIndex).orElse("module error " + errorIndex + " of pallet " + palletIndex);
    }
    if (error.value() instanceof EnumValue inner) {
      return error.name() + "." + inner.name();
    }
    return error.name();
  }
}
