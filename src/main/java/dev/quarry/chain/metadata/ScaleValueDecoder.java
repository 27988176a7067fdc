package dev.quarry.chain.metadata;

import dev.quarry.chain.scale.ScaleException;
import dev.quarry.chain.scale.ScaleReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes any registry type into plain Java values, for data whose layout only the metadata
 * knows (events, errors): named structs become {@code Map<String,Object>} (field order kept),
 * tuple structs and tuples become {@code List<Object>}, newtypes their inner value, enums an
 * {@link EnumValue}, byte sequences and byte arrays {@code byte[]}, u8..u32 {@code Long},
 * wider integers and compacts {@code BigInteger}, bool {@code Boolean}, str {@code String}.
 */
public final class ScaleValueDecoder {

  /** A decoded enum value: the variant and its fields (a Map, a List, a single value or null). */
  public record EnumValue(String name, int index, Object value) {}

  private final TypeRegistry types;

  public ScaleValueDecoder(TypeRegistry types) {
    this.types = types;
  }

  public Object decode(int typeId, ScaleReader in) {
    TypeDef definition = types.definition(typeId);
    if (definition instanceof TypeDef.Composite composite) {
      return decodeFields(composite.fields(), in);
    }
    if (definition instanceof TypeDef.VariantType variants) {
      int at = in.position();
      int index = in.u8();
      TypeDef.Variant variant = variants.byIndex(index);
      if (variant == null) {
        throw new ScaleException(
            "variant index " + index + " is not defined for " + types.get(typeId).pathString() + " at offset " + at);
      }
      return new EnumValue(variant.name(), index, variant.fields().isEmpty() ? null : decodeFields(variant.fields(), in));
    }
    if (definition instanceof TypeDef.Sequence sequence) {
      int count = in.compactLength();
      if (isByte(sequence.type())) {
        return in.raw(count);
      }
      List<Object> items = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        items.add(decode(sequence.type(), in));
      }
      return items;
    }
    if (definition instanceof TypeDef.ArrayDef array) {
      if (isByte(array.type())) {
        return in.raw((int) array.length());
      }
      List<Object> items = new ArrayList<>();
      for (long i = 0; i < array.length(); i++) {
        items.add(decode(array.type(), in));
      }
      return items;
    }
    if (definition instanceof TypeDef.Tuple tuple) {
      List<Object> items = new ArrayList<>(tuple.types().size());
      for (int member : tuple.types()) {
        items.add(decode(member, in));
      }
      return items;
    }
    if (definition instanceof TypeDef.Primitive primitive) {
      return decodePrimitive(primitive.kind(), in);
    }
    if (definition instanceof TypeDef.CompactDef) {
      return in.compactBig();
    }
    if (definition instanceof TypeDef.BitSequence bits) {
      long bitCount = in.compact();
      TypeDef.PrimitiveKind store = types.primitive(bits.storeType());
      int storeBits = store == null ? 8 : store.width() * 8;
      long words = (bitCount + storeBits - 1) / storeBits;
      return in.raw((int) (words * (storeBits / 8)));
    }
    throw new IllegalStateException("unhandled type definition " + definition);
  }

  private Object decodeFields(List<TypeDef.Field> fields, ScaleReader in) {
    if (fields.isEmpty()) {
      return List.of();
    }
    if (fields.size() == 1 && fields.get(0).name() == null) {
      return decode(fields.get(0).type(), in);
    }
    if (fields.get(0).name() == null) {
      List<Object> items = new ArrayList<>(fields.size());
      for (TypeDef.Field field : fields) {
        items.add(decode(field.type(), in));
      }
      return items;
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (TypeDef.Field field : fields) {
      values.put(field.name(), decode(field.type(), in));
    }
    return values;
  }

  private boolean isByte(int typeId) {
    return types.definition(typeId) instanceof TypeDef.Primitive primitive
        && primitive.kind() == TypeDef.PrimitiveKind.U8;
  }

  private static Object decodePrimitive(TypeDef.PrimitiveKind kind, ScaleReader in) {
    switch (kind) {
      case BOOL:
        return in.bool();
      case CHAR:
        return in.u32();
      case STR:
        return in.string();
      case U8:
        return (long) in.u8();
      case U16:
        return (long) in.u16();
      case U32:
        return in.u32();
      case I8:
        return (long) (byte) in.u8();
      case I16:
        return (long) (short) in.u16();
      case I32:
        return (long) (int) in.u32();
      default:
        byte[] little = in.raw(kind.width());
        byte[] big = new byte[little.length + 1];
        for (int i = 0; i < little.length; i++) {
          big[little.length - i] = little[i];
        }
        BigInteger unsigned = new BigInteger(big);
        boolean signed = kind.name().startsWith("I");
        if (signed && unsigned.testBit(kind.width() * 8 - 1)) {
          return unsigned.subtract(BigInteger.ONE.shiftLeft(kind.width() * 8));
        }
        return unsigned;
    }
  }
}
