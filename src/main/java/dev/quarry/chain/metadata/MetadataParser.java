package dev.quarry.chain.metadata;

import dev.quarry.chain.scale.ScaleException;
import dev.quarry.chain.scale.ScaleReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the SCALE bytes of runtime metadata (the result of {@code state_getMetadata}): the
 * {@code "meta"} magic, version 14 (or 15, whose extra sections are skipped past where they do
 * not matter for us), the type registry, pallets and the extrinsic description.
 */
public final class MetadataParser {

  private static final int MAGIC = 0x6174656d; // "meta" read as a little-endian u32

  private MetadataParser() {}

  public static RuntimeMetadata parse(byte[] bytes) {
    ScaleReader in = new ScaleReader(bytes);
    try {
      long magic = in.u32();
      if (magic != MAGIC) {
        throw new MetadataException("not runtime metadata (missing the 'meta' magic)");
      }
      int version = in.u8();
      if (version != 14 && version != 15) {
        throw new MetadataException("metadata version " + version + " is not supported (expected 14 or 15)");
      }
      TypeRegistry types = readRegistry(in);
      List<RuntimeMetadata.Pallet> pallets = readPallets(in, version);
      RuntimeMetadata.Extrinsic extrinsic = readExtrinsic(in, version);
      return new RuntimeMetadata(version, types, List.copyOf(pallets), extrinsic);
    } catch (ScaleException e) {
      throw new MetadataException("malformed runtime metadata: " + e.getMessage(), e);
    }
  }

  private static TypeRegistry readRegistry(ScaleReader in) {
    int count = in.compactLength();
    Map<Integer, PortableType> types = new HashMap<>();
    for (int i = 0; i < count; i++) {
      int id = (int) in.compact();
      List<String> path = readStrings(in);
      int params = in.compactLength();
      for (int p = 0; p < params; p++) {
        in.string();
        if (in.optionTag()) {
          in.compact();
        }
      }
      TypeDef definition = readTypeDef(in);
      readStrings(in); // docs
      types.put(id, new PortableType(id, path, definition));
    }
    return new TypeRegistry(types);
  }

  private static TypeDef readTypeDef(ScaleReader in) {
    int tag = in.u8();
    switch (tag) {
      case 0:
        return new TypeDef.Composite(readFields(in));
      case 1: {
        int count = in.compactLength();
        List<TypeDef.Variant> variants = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          String name = in.string();
          List<TypeDef.Field> fields = readFields(in);
          int index = in.u8();
          readStrings(in);
          variants.add(new TypeDef.Variant(name, index, fields));
        }
        return new TypeDef.VariantType(List.copyOf(variants));
      }
      case 2:
        return new TypeDef.Sequence((int) in.compact());
      case 3: {
        long length = in.u32();
        return new TypeDef.ArrayDef(length, (int) in.compact());
      }
      case 4: {
        int count = in.compactLength();
        List<Integer> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          members.add((int) in.compact());
        }
        return new TypeDef.Tuple(List.copyOf(members));
      }
      case 5: {
        int kind = in.u8();
        TypeDef.PrimitiveKind[] kinds = TypeDef.PrimitiveKind.values();
        if (kind >= kinds.length) {
          throw new MetadataException("unknown primitive kind " + kind);
        }
        return new TypeDef.Primitive(kinds[kind]);
      }
      case 6:
        return new TypeDef.CompactDef((int) in.compact());
      case 7: {
        int store = (int) in.compact();
        int order = (int) in.compact();
        return new TypeDef.BitSequence(store, order);
      }
      default:
        throw new MetadataException("unknown type definition tag " + tag + " at offset " + (in.position() - 1));
    }
  }

  private static List<TypeDef.Field> readFields(ScaleReader in) {
    int count = in.compactLength();
    List<TypeDef.Field> fields = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = in.optionTag() ? in.string() : null;
      int type = (int) in.compact();
      String typeName = in.optionTag() ? in.string() : null;
      readStrings(in);
      fields.add(new TypeDef.Field(name, type, typeName));
    }
    return List.copyOf(fields);
  }

  private static List<RuntimeMetadata.Pallet> readPallets(ScaleReader in, int version) {
    int count = in.compactLength();
    List<RuntimeMetadata.Pallet> pallets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = in.string();
      String prefix = null;
      List<RuntimeMetadata.StorageEntry> storage = List.of();
      if (in.optionTag()) {
        prefix = in.string();
        storage = readStorageEntries(in);
      }
      int calls = in.optionTag() ? (int) in.compact() : -1;
      int events = in.optionTag() ? (int) in.compact() : -1;
      int constantCount = in.compactLength();
      List<RuntimeMetadata.Constant> constants = new ArrayList<>(constantCount);
      for (int c = 0; c < constantCount; c++) {
        String constantName = in.string();
        int type = (int) in.compact();
        byte[] value = in.bytes();
        readStrings(in);
        constants.add(new RuntimeMetadata.Constant(constantName, type, value));
      }
      int errors = in.optionTag() ? (int) in.compact() : -1;
      int index = in.u8();
      if (version >= 15) {
        readStrings(in);
      }
      pallets.add(new RuntimeMetadata.Pallet(name, index, prefix, storage, calls, events, errors, List.copyOf(constants)));
    }
    return pallets;
  }

  private static List<RuntimeMetadata.StorageEntry> readStorageEntries(ScaleReader in) {
    int count = in.compactLength();
    List<RuntimeMetadata.StorageEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = in.string();
      int modifier = in.u8();
      int kind = in.u8();
      List<StorageHasher> hashers = List.of();
      int keyType = -1;
      int valueType;
      if (kind == 0) {
        valueType = (int) in.compact();
      } else if (kind == 1) {
        int hasherCount = in.compactLength();
        List<StorageHasher> list = new ArrayList<>(hasherCount);
        for (int h = 0; h < hasherCount; h++) {
          int hasher = in.u8();
          if (hasher >= StorageHasher.values().length) {
            throw new MetadataException("unknown storage hasher " + hasher + " in " + name);
          }
          list.add(StorageHasher.values()[hasher]);
        }
        hashers = List.copyOf(list);
        keyType = (int) in.compact();
        valueType = (int) in.compact();
      } else {
        throw new MetadataException("unknown storage entry kind " + kind + " in " + name);
      }
      byte[] defaultValue = in.bytes();
      readStrings(in);
      entries.add(new RuntimeMetadata.StorageEntry(name, modifier == 0, hashers, keyType, valueType, defaultValue));
    }
    return List.copyOf(entries);
  }

  private static RuntimeMetadata.Extrinsic readExtrinsic(ScaleReader in, int version) {
    if (version == 14) {
      int type = (int) in.compact();
      int extrinsicVersion = in.u8();
      return new RuntimeMetadata.Extrinsic(type, extrinsicVersion, readSignedExtensions(in));
    }
    int extrinsicVersion = in.u8();
    in.compact(); // address type
    int callType = (int) in.compact();
    in.compact(); // signature type
    in.compact(); // extra type
    return new RuntimeMetadata.Extrinsic(callType, extrinsicVersion, readSignedExtensions(in));
  }

  private static List<RuntimeMetadata.SignedExtension> readSignedExtensions(ScaleReader in) {
    int count = in.compactLength();
    List<RuntimeMetadata.SignedExtension> extensions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String identifier = in.string();
      int type = (int) in.compact();
      int additional = (int) in.compact();
      extensions.add(new RuntimeMetadata.SignedExtension(identifier, type, additional));
    }
    return List.copyOf(extensions);
  }

  private static List<String> readStrings(ScaleReader in) {
    int count = in.compactLength();
    List<String> strings = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      strings.add(in.string());
    }
    return strings;
  }
}
