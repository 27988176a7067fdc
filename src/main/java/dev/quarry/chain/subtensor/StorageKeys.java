package dev.quarry.chain.subtensor;

import dev.quarry.chain.metadata.StorageHasher;
import dev.quarry.chain.scale.ScaleWriter;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Storage keys: {@code twox128(pallet) ++ twox128(item) ++ hasher(SCALE(key))…}, and the keys of
 * the items Quarry reads. Hashers are those declared in subtensor's source; {@link
 * RuntimeCompatibility} checks them against the metadata.
 */
public final class StorageKeys {

  private StorageKeys() {}

  /** The 32-byte prefix of a storage item. */
  public static byte[] prefix(String pallet, String item) {
    return concat(Hashes.twox128(ascii(pallet)), Hashes.twox128(ascii(item)));
  }

  /** Applies one hasher to an already SCALE-encoded key. */
  public static byte[] hash(StorageHasher hasher, byte[] encodedKey) {
    switch (hasher) {
      case BLAKE2_128:
        return Hashes.blake2b128(encodedKey);
      case BLAKE2_256:
        return Hashes.blake2b256(encodedKey);
      case BLAKE2_128_CONCAT:
        return concat(Hashes.blake2b128(encodedKey), encodedKey);
      case TWOX_128:
        return Hashes.twox128(encodedKey);
      case TWOX_256:
        return Hashes.twox256(encodedKey);
      case TWOX_64_CONCAT:
        return concat(Hashes.twox64(encodedKey), encodedKey);
      case IDENTITY:
        return encodedKey.clone();
      default:
        throw new IllegalArgumentException("unknown hasher " + hasher);
    }
  }

  /** {@code SubtensorModule.Uids(netuid Identity, hotkey Blake2_128Concat) -> Option<u16>}. */
  public static String uids(int netuid, AccountId hotkey) {
    return key("SubtensorModule", "Uids", netuidBytes(netuid), StorageHasher.IDENTITY, hotkey.bytes(), StorageHasher.BLAKE2_128_CONCAT);
  }

  /** {@code SubtensorModule.Axons(netuid Identity, hotkey Blake2_128Concat) -> Option<AxonInfo>}. */
  public static String axons(int netuid, AccountId hotkey) {
    return key("SubtensorModule", "Axons", netuidBytes(netuid), StorageHasher.IDENTITY, hotkey.bytes(), StorageHasher.BLAKE2_128_CONCAT);
  }

  /** {@code Commitments.CommitmentOf(netuid Identity, hotkey Twox64Concat) -> Option<Registration>}. */
  public static String commitmentOf(int netuid, AccountId hotkey) {
    return key("Commitments", "CommitmentOf", netuidBytes(netuid), StorageHasher.IDENTITY, hotkey.bytes(), StorageHasher.TWOX_64_CONCAT);
  }

  /** The prefix under which all of a subnet's {@code CommitmentOf} entries live. */
  public static String commitmentOfPrefix(int netuid) {
    return Hex.encode0x(concat(prefix("Commitments", "CommitmentOf"), netuidBytes(netuid)));
  }

  /** The hotkey (last 32 bytes) of a full {@code CommitmentOf} key. */
  public static AccountId commitmentKeyAccount(String key) {
    byte[] bytes = Hex.decode(key);
    if (bytes.length != 32 + 2 + 8 + 32) {
      throw new IllegalArgumentException("not a CommitmentOf key: length " + bytes.length);
    }
    return new AccountId(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length));
  }

  /** {@code Timestamp.Now -> u64} milliseconds. */
  public static String timestampNow() {
    return Hex.encode0x(prefix("Timestamp", "Now"));
  }

  /** {@code System.Events -> Vec<EventRecord>}. */
  public static String systemEvents() {
    return Hex.encode0x(prefix("System", "Events"));
  }

  /** {@code System.Account(Blake2_128Concat account) -> AccountInfo}. */
  public static String systemAccount(AccountId account) {
    return Hex.encode0x(concat(prefix("System", "Account"), hash(StorageHasher.BLAKE2_128_CONCAT, account.bytes())));
  }

  private static String key(String pallet, String item, byte[] first, StorageHasher firstHasher, byte[] second, StorageHasher secondHasher) {
    return Hex.encode0x(concat(concat(prefix(pallet, item), hash(firstHasher, first)), hash(secondHasher, second)));
  }

  static byte[] netuidBytes(int netuid) {
    return new ScaleWriter().u16(netuid).toByteArray();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
