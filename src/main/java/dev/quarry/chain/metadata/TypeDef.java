package dev.quarry.chain.metadata;

import java.util.List;

/** One type definition of the portable registry ({@code scale-info} {@code TypeDef}). */
public sealed interface TypeDef {

  /** A struct field or an enum variant field; {@code name} is null for tuple-like fields. */
  record Field(String name, int type, String typeName) {}

  /** An enum variant with its explicit index. */
  record Variant(String name, int index, List<Field> fields) {}

  record Composite(List<Field> fields) implements TypeDef {}

  record VariantType(List<Variant> variants) implements TypeDef {
    public Variant byIndex(int index) {
      for (Variant variant : variants) {
        if (variant.index() == index) {
          return variant;
        }
      }
      return null;
    }

    public Variant byName(String name) {
      for (Variant variant : variants) {
        if (variant.name().equals(name)) {
          return variant;
        }
      }
      return null;
    }
  }

  record Sequence(int type) implements TypeDef {}

  record ArrayDef(long length, int type) implements TypeDef {}

  record Tuple(List<Integer> types) implements TypeDef {}

  record Primitive(PrimitiveKind kind) implements TypeDef {}

  record CompactDef(int type) implements TypeDef {}

  record BitSequence(int storeType, int orderType) implements TypeDef {}

  /** The primitive kinds in {@code scale-info} order (the metadata stores the ordinal). */
  enum PrimitiveKind {
    BOOL(1), CHAR(4), STR(-1), U8(1), U16(2), U32(4), U64(8), U128(16), U256(32),
    I8(1), I16(2), I32(4), I64(8), I128(16), I256(32);

    private final int width;

    PrimitiveKind(int width) {
      this.width = width;
    }

    /** Encoded width in bytes, or -1 for {@code str}. */
    public int width() {
      return width;
    }
  }
}
