package dev.quarry.chain.subtensor;

import dev.quarry.chain.metadata.RuntimeMetadata;
import dev.quarry.chain.metadata.StorageHasher;
import dev.quarry.chain.metadata.TypeDef;
import dev.quarry.chain.metadata.TypeRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a runtime's metadata against every index, hasher and layout Quarry hardcodes: pallet and
 * call indices and argument types of {@code serve_axon} and {@code set_commitment}, the storage
 * hashers of the items we read, and the signed-extension set. Any difference is reported, so a
 * runtime upgrade that moves things fails loudly instead of producing wrong bytes.
 */
public final class RuntimeCompatibility {

  /** Extensions whose explicit/implicit data our encoder writes, in the order it writes them. */
  private static final List<String> DATA_EXTENSIONS = List.of(
      "CheckSpecVersion", "CheckTxVersion", "CheckGenesis", "CheckMortality", "CheckNonce",
      "ChargeTransactionPayment", "CheckMetadataHash");

  private RuntimeCompatibility() {}

  /** Every mismatch found; empty when the runtime is compatible. */
  public static List<String> problems(RuntimeMetadata metadata) {
    List<String> problems = new ArrayList<>();
    TypeRegistry types = metadata.types();
    if (metadata.extrinsic().version() != 4) {
      problems.add("extrinsic version is " + metadata.extrinsic().version() + ", Quarry signs version 4");
    }
    checkCall(metadata, problems, "SubtensorModule", SubtensorCalls.SUBTENSOR_PALLET, "serve_axon", SubtensorCalls.SERVE_AXON,
        List.of("netuid", "version", "ip", "port", "ip_type", "protocol", "placeholder1", "placeholder2"),
        List.of(TypeDef.PrimitiveKind.U16, TypeDef.PrimitiveKind.U32, TypeDef.PrimitiveKind.U128, TypeDef.PrimitiveKind.U16,
            TypeDef.PrimitiveKind.U8, TypeDef.PrimitiveKind.U8, TypeDef.PrimitiveKind.U8, TypeDef.PrimitiveKind.U8));
    checkCall(metadata, problems, "Commitments", SubtensorCalls.COMMITMENTS_PALLET, "set_commitment", SubtensorCalls.SET_COMMITMENT,
        List.of("netuid", "info"), java.util.Arrays.asList(TypeDef.PrimitiveKind.U16, null));
    metadata.call("Commitments", "set_commitment").ifPresent(call -> {
      if (call.fields().size() == 2) {
        checkCommitmentInfo(types, call.fields().get(1).type(), problems);
      }
    });
    checkStorage(metadata, problems, "SubtensorModule", "Uids", List.of(StorageHasher.IDENTITY, StorageHasher.BLAKE2_128_CONCAT));
    checkStorage(metadata, problems, "SubtensorModule", "Axons", List.of(StorageHasher.IDENTITY, StorageHasher.BLAKE2_128_CONCAT));
    checkStorage(metadata, problems, "Commitments", "CommitmentOf", List.of(StorageHasher.IDENTITY, StorageHasher.TWOX_64_CONCAT));
    checkStorage(metadata, problems, "Timestamp", "Now", List.of());
    checkStorage(metadata, problems, "System", "Events", List.of());
    metadata.pallet("SubtensorModule").flatMap(p -> p.storageEntry("Uids")).ifPresent(entry -> {
      if (types.primitive(entry.valueType()) != TypeDef.PrimitiveKind.U16) {
        problems.add("SubtensorModule.Uids value is " + types.describe(entry.valueType()) + ", expected u16");
      }
    });
    metadata.pallet("Commitments").flatMap(p -> p.storageEntry("CommitmentOf")).ifPresent(entry -> {
      if (!(types.definition(entry.valueType()) instanceof TypeDef.Composite registration)
          || registration.fields().size() != 3
          || types.primitive(registration.fields().get(0).type()) != TypeDef.PrimitiveKind.U64
          || types.primitive(registration.fields().get(1).type()) != TypeDef.PrimitiveKind.U32) {
        problems.add("Commitments.CommitmentOf value is not {deposit u64, block u32, info}");
      }
    });
    checkExtensions(metadata, problems);
    return problems;
  }

  private static void checkCall(RuntimeMetadata metadata, List<String> problems, String palletName, int palletIndex,
      String callName, int callIndex, List<String> argumentNames, List<TypeDef.PrimitiveKind> argumentKinds) {
    Optional<RuntimeMetadata.Pallet> pallet = metadata.pallet(palletName);
    if (pallet.isEmpty()) {
      problems.add("pallet " + palletName + " is missing");
      return;
    }
    if (pallet.get().index() != palletIndex) {
      problems.add("pallet " + palletName + " has index " + pallet.get().index() + ", expected " + palletIndex);
    }
    Optional<TypeDef.Variant> call = metadata.call(palletName, callName);
    if (call.isEmpty() || call.get() == null) {
      problems.add("call " + palletName + "." + callName + " is missing");
      return;
    }
    if (call.get().index() != callIndex) {
      problems.add("call " + palletName + "." + callName + " has index " + call.get().index() + ", expected " + callIndex);
    }
    List<TypeDef.Field> fields = call.get().fields();
    if (fields.size() != argumentNames.size()) {
      problems.add(palletName + "." + callName + " takes " + fields.size() + " arguments, expected " + argumentNames.size());
      return;
    }
    for (int i = 0; i < fields.size(); i++) {
      TypeDef.Field field = fields.get(i);
      if (!argumentNames.get(i).equals(field.name())) {
        problems.add(palletName + "." + callName + " argument " + i + " is '" + field.name() + "', expected '" + argumentNames.get(i) + "'");
      }
      TypeDef.PrimitiveKind expected = argumentKinds.get(i);
      if (expected != null && metadata.types().primitive(field.type()) != expected) {
        problems.add(palletName + "." + callName + " argument '" + field.name() + "' is " + metadata.types().describe(field.type())
            + ", expected " + expected.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
  }

  private static void checkCommitmentInfo(TypeRegistry types, int infoType, List<String> problems) {
    TypeDef info = types.definition(infoType);
    if (!(info instanceof TypeDef.Composite composite) || composite.fields().size() != 1
        || !"fields".equals(composite.fields().get(0).name())) {
      problems.add("CommitmentInfo is not {fields: BoundedVec<Data>}");
      return;
    }
    int vector = types.unwrapNewtypes(composite.fields().get(0).type());
    if (!(types.definition(vector) instanceof TypeDef.Sequence sequence)) {
      problems.add("CommitmentInfo.fields is not a sequence");
      return;
    }
    TypeDef.VariantType data = types.variants(sequence.type());
    for (int length = 0; length <= SubtensorCalls.MAX_RAW_LENGTH; length++) {
      TypeDef.Variant raw = data.byName("Raw" + length);
      if (raw == null || raw.index() != length + 1) {
        problems.add("commitment Data variant Raw" + length + " is missing or not at index " + (length + 1));
        return;
      }
    }
  }

  private static void checkStorage(RuntimeMetadata metadata, List<String> problems, String palletName, String item, List<StorageHasher> hashers) {
    Optional<RuntimeMetadata.StorageEntry> entry = metadata.pallet(palletName).flatMap(p -> p.storageEntry(item));
    if (entry.isEmpty()) {
      problems.add("storage " + palletName + "." + item + " is missing");
    } else if (!entry.get().hashers().equals(hashers)) {
      problems.add("storage " + palletName + "." + item + " uses hashers " + entry.get().hashers() + ", expected " + hashers);
    }
  }

  private static void checkExtensions(RuntimeMetadata metadata, List<String> problems) {
    TypeRegistry types = metadata.types();
    List<String> withData = new ArrayList<>();
    for (RuntimeMetadata.SignedExtension extension : metadata.extrinsic().signedExtensions()) {
      String name = extension.identifier().equals("CheckEra") ? "CheckMortality" : extension.identifier();
      boolean explicitEmpty = types.isZeroSized(extension.type());
      boolean implicitEmpty = types.isZeroSized(extension.additionalSigned());
      String problem = switch (name) {
        case "CheckSpecVersion", "CheckTxVersion" ->
            explicitEmpty && types.primitive(extension.additionalSigned()) == TypeDef.PrimitiveKind.U32 ? null : "expected () / u32";
        case "CheckGenesis" -> explicitEmpty && isHash(types, extension.additionalSigned()) ? null : "expected () / H256";
        case "CheckMortality" -> !explicitEmpty && isHash(types, extension.additionalSigned()) ? null : "expected Era / H256";
        case "CheckNonce", "ChargeTransactionPayment" ->
            types.definition(types.unwrapNewtypes(extension.type())) instanceof TypeDef.CompactDef && implicitEmpty
                ? null : "expected Compact / ()";
        case "CheckMetadataHash" -> !explicitEmpty && !implicitEmpty ? null : "expected {mode} / Option<[u8;32]>";
        default -> explicitEmpty && implicitEmpty ? null : "unknown extension carries data; Quarry cannot sign for this runtime";
      };
      if (problem != null) {
        problems.add("signed extension " + extension.identifier() + ": " + problem);
      }
      if (DATA_EXTENSIONS.contains(name)) {
        withData.add(name);
      }
    }
    if (!withData.equals(DATA_EXTENSIONS)) {
      problems.add("signed extensions with data are " + withData + ", expected " + DATA_EXTENSIONS);
    }
  }

  private static boolean isHash(TypeRegistry types, int id) {
    return types.definition(types.unwrapNewtypes(id)) instanceof TypeDef.ArrayDef array
        && array.length() == 32 && types.primitive(array.type()) == TypeDef.PrimitiveKind.U8;
  }
}
