package dev.quarry.chain.subtensor;

import dev.quarry.chain.NeuronStake;
import dev.quarry.chain.metadata.MetadataParser;
import dev.quarry.chain.metadata.PortableType;
import dev.quarry.chain.metadata.ScaleValueDecoder;
import dev.quarry.chain.metadata.TypeDef;
import dev.quarry.chain.metadata.TypeRegistry;
import dev.quarry.chain.scale.ScaleException;
import dev.quarry.chain.scale.ScaleReader;
import dev.quarry.chain.scale.ScaleWriter;
import dev.quarry.crypto.AccountId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads stake weights with {@code SubnetInfoRuntimeApi_get_selective_metagraph}: only the fields
 * asked for are filled, so the answer is small, and its layout is taken from the runtime's V15
 * metadata by field name (subtensor adds fields to {@code SelectiveMetagraph} over time, so
 * positions are never hard-coded). Pure functions; the client does the calls.
 *
 * <p>Subtensor numbers the selectable fields in struct order ({@code SelectiveMetagraphIndex}
 * mirrors the struct, {@code netuid} being 0), so a field's position in the metadata is also the
 * index to request.
 */
public final class SelectiveMetagraph {

  /** The fields Quarry reads. */
  static final List<String> STAKE_FIELDS = List.of("hotkeys", "alpha_stake", "tao_stake", "total_stake");

  /** Where the needed fields are in this runtime's {@code SelectiveMetagraph}. */
  public record Layout(TypeRegistry types, int typeId, Map<String, Integer> indexes) {}

  private SelectiveMetagraph() {}

  /** The hex argument of {@code state_call Metadata_metadata_at_version} for V15. */
  public static String metadataV15Argument() {
    return "0x0f000000";
  }

  /**
   * The type registry from a {@code Metadata_metadata_at_version} answer ({@code
   * Option<OpaqueMetadata>}); empty when the runtime has no V15 metadata.
   */
  public static Optional<TypeRegistry> registryFromMetadataAtVersion(byte[] answer) {
    ScaleReader in = new ScaleReader(answer);
    if (!in.optionTag()) {
      return Optional.empty();
    }
    byte[] metadata = in.bytes();
    in.expectEnd("Option<OpaqueMetadata>");
    return Optional.of(MetadataParser.parse(metadata).types());
  }

  /** Finds {@code SelectiveMetagraph} and the stake fields; fails if the runtime lacks them. */
  public static Layout layout(TypeRegistry types) {
    for (int id = 0; id < types.size(); id++) {
      PortableType type;
      try {
        type = types.get(id);
      } catch (RuntimeException absent) {
        continue;
      }
      if (!type.pathString().endsWith("::SelectiveMetagraph") || !(type.definition() instanceof TypeDef.Composite composite)) {
        continue;
      }
      Map<String, Integer> indexes = new java.util.LinkedHashMap<>();
      for (int position = 0; position < composite.fields().size(); position++) {
        String name = composite.fields().get(position).name();
        if (STAKE_FIELDS.contains(name)) {
          indexes.put(name, position);
        }
      }
      if (indexes.size() != STAKE_FIELDS.size()) {
        List<String> missing = new ArrayList<>(STAKE_FIELDS);
        missing.removeAll(indexes.keySet());
        throw new ScaleException("SelectiveMetagraph of this runtime has no field " + missing);
      }
      return new Layout(types, id, Map.copyOf(indexes));
    }
    throw new ScaleException("this runtime has no SelectiveMetagraph type (SubnetInfoRuntimeApi too old)");
  }

  /** The SCALE arguments of {@code get_selective_metagraph(netuid, indexes)} for the stake fields. */
  public static byte[] request(int netuid, Layout layout) {
    ScaleWriter out = new ScaleWriter().u16(netuid).compact(STAKE_FIELDS.size());
    for (String field : STAKE_FIELDS) {
      out.u16(layout.indexes().get(field));
    }
    return out.toByteArray();
  }

  /**
   * Decodes an {@code Option<SelectiveMetagraph>} answer into stake weights by uid; empty when the
   * subnet does not exist. Works for any selection that includes the stake fields.
   */
  public static Optional<List<NeuronStake>> decode(Layout layout, byte[] answer) {
    ScaleReader in = new ScaleReader(answer);
    if (!in.optionTag()) {
      in.expectEnd("Option<SelectiveMetagraph>");
      return Optional.empty();
    }
    Object decoded = new ScaleValueDecoder(layout.types()).decode(layout.typeId(), in);
    in.expectEnd("SelectiveMetagraph");
    if (!(decoded instanceof Map<?, ?> fields)) {
      throw new ScaleException("SelectiveMetagraph did not decode to named fields");
    }
    List<?> hotkeys = present(fields, "hotkeys");
    List<?> alpha = present(fields, "alpha_stake");
    List<?> tao = present(fields, "tao_stake");
    List<?> total = present(fields, "total_stake");
    if (alpha.size() != hotkeys.size() || tao.size() != hotkeys.size() || total.size() != hotkeys.size()) {
      throw new ScaleException("SelectiveMetagraph vectors differ in length: " + hotkeys.size() + " hotkeys, "
          + alpha.size() + " alpha, " + tao.size() + " tao, " + total.size() + " total");
    }
    List<NeuronStake> stakes = new ArrayList<>(hotkeys.size());
    for (int uid = 0; uid < hotkeys.size(); uid++) {
      if (!(hotkeys.get(uid) instanceof byte[] key) || key.length != AccountId.LENGTH) {
        throw new ScaleException("hotkey of uid " + uid + " is not a 32-byte account id");
      }
      stakes.add(new NeuronStake(uid, new AccountId(key), rao(alpha.get(uid), "alpha_stake", uid),
          rao(tao.get(uid), "tao_stake", uid), rao(total.get(uid), "total_stake", uid)));
    }
    return Optional.of(List.copyOf(stakes));
  }

  private static List<?> present(Map<?, ?> fields, String name) {
    Object value = fields.get(name);
    if (value instanceof ScaleValueDecoder.EnumValue option && option.name().equals("Some") && option.value() instanceof List<?> list) {
      return list;
    }
    throw new ScaleException("SelectiveMetagraph field " + name + " was not returned");
  }

  private static long rao(Object value, String field, int uid) {
    if (value instanceof BigInteger amount && amount.signum() >= 0 && amount.bitLength() <= 63) {
      return amount.longValueExact();
    }
    throw new ScaleException(field + " of uid " + uid + " is not a u64 amount below 2^63: " + value);
  }
}
