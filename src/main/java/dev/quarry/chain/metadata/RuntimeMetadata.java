package dev.quarry.chain.metadata;

import java.util.List;
import java.util.Optional;

/**
 * Parsed runtime metadata (V14): the type registry, the pallets, and the extrinsic format.
 * Produced by {@link MetadataParser}; immutable.
 */
public record RuntimeMetadata(int version, TypeRegistry types, List<Pallet> pallets, Extrinsic extrinsic) {

  /** One pallet. Type ids are -1 where the pallet has no calls, events or errors. */
  public record Pallet(
      String name, int index, String storagePrefix, List<StorageEntry> storage,
      int callType, int eventType, int errorType, List<Constant> constants) {

    public Optional<StorageEntry> storageEntry(String item) {
      return storage.stream().filter(entry -> entry.name().equals(item)).findFirst();
    }
  }

  /** A storage item; {@code hashers} is empty and {@code keyType} -1 for plain values. */
  public record StorageEntry(
      String name, boolean optional, List<StorageHasher> hashers, int keyType, int valueType, byte[] defaultValue) {}

  public record Constant(String name, int type, byte[] value) {}

  /** A signed extension: its explicit ("extra") type and its implicit ("additional signed") type. */
  public record SignedExtension(String identifier, int type, int additionalSigned) {}

  public record Extrinsic(int type, int version, List<SignedExtension> signedExtensions) {}

  public Optional<Pallet> pallet(String name) {
    return pallets.stream().filter(pallet -> pallet.name().equals(name)).findFirst();
  }

  public Optional<Pallet> palletByIndex(int index) {
    return pallets.stream().filter(pallet -> pallet.index() == index).findFirst();
  }

  /** The call variant of {@code pallet.call}, if both exist. */
  public Optional<TypeDef.Variant> call(String palletName, String callName) {
    return pallet(palletName)
        .filter(pallet -> pallet.callType() >= 0)
        .map(pallet -> types.variants(pallet.callType()).byName(callName));
  }

  /** The name of module error {@code errorIndex} of the pallet at {@code palletIndex}, if known. */
  public Optional<String> errorName(int palletIndex, int errorIndex) {
    return palletByIndex(palletIndex)
        .filter(pallet -> pallet.errorType() >= 0)
        .map(pallet -> types.variants(pallet.errorType()).byIndex(errorIndex))
        .map(variant -> palletByIndex(palletIndex).orElseThrow().name() + "." + variant.name());
  }
}
