package dev.quarry.chain.metadata;

import java.util.Map;

/** The portable type registry of a runtime: type id → definition, with a few lookups. */
public final class TypeRegistry {

  private final Map<Integer, PortableType> types;

  public TypeRegistry(Map<Integer, PortableType> types) {
    this.types = Map.copyOf(types);
  }

  public PortableType get(int id) {
    PortableType type = types.get(id);
    if (type == null) {
      throw new MetadataException("type #" + id + " is not in the registry");
    }
    return type;
  }

  public TypeDef definition(int id) {
    return get(id).definition();
  }

  public int size() {
    return types.size();
  }

  /** The variant definition of {@code id}; fails when it is not an enum. */
  public TypeDef.VariantType variants(int id) {
    if (definition(id) instanceof TypeDef.VariantType variants) {
      return variants;
    }
    throw new MetadataException("type " + get(id).pathString() + " is not an enum");
  }

  /**
   * Follows single-field composites (newtypes such as {@code NetUid(u16)} or {@code
   * AccountId32([u8; 32])}) down to the type that carries the bytes.
   */
  public int unwrapNewtypes(int id) {
    int current = id;
    for (int depth = 0; depth < 32; depth++) {
      TypeDef definition = definition(current);
      if (definition instanceof TypeDef.Composite composite && composite.fields().size() == 1) {
        current = composite.fields().get(0).type();
      } else {
        return current;
      }
    }
    throw new MetadataException("newtype chain too deep at type #" + id);
  }

  /** The primitive behind {@code id} after unwrapping newtypes, or null if it is not a primitive. */
  public TypeDef.PrimitiveKind primitive(int id) {
    return definition(unwrapNewtypes(id)) instanceof TypeDef.Primitive primitive ? primitive.kind() : null;
  }

  /** True when values of this type always encode to zero bytes (e.g. {@code ()} or a unit struct). */
  public boolean isZeroSized(int id) {
    TypeDef definition = definition(id);
    if (definition instanceof TypeDef.Composite composite) {
      return composite.fields().stream().allMatch(field -> isZeroSized(field.type()));
    }
    if (definition instanceof TypeDef.Tuple tuple) {
      return tuple.types().stream().allMatch(this::isZeroSized);
    }
    if (definition instanceof TypeDef.ArrayDef array) {
      return array.length() == 0 || isZeroSized(array.type());
    }
    return false;
  }

  /** A short human description of a type, for error messages. */
  public String describe(int id) {
    PortableType type = get(id);
    TypeDef definition = type.definition();
    if (definition instanceof TypeDef.Primitive primitive) {
      return primitive.kind().name().toLowerCase(java.util.Locale.ROOT);
    }
    if (definition instanceof TypeDef.CompactDef compact) {
      return "Compact<" + describe(compact.type()) + ">";
    }
    if (definition instanceof TypeDef.Sequence sequence) {
      return "Vec<" + describe(sequence.type()) + ">";
    }
    if (definition instanceof TypeDef.ArrayDef array) {
      return "[" + describe(array.type()) + "; " + array.length() + "]";
    }
    return type.pathString();
  }
}
