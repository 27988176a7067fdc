package dev.quarry.chain.metadata;

/** Storage map key hashers, in metadata order. */
public enum StorageHasher {
  BLAKE2_128, BLAKE2_256, BLAKE2_128_CONCAT, TWOX_128, TWOX_256, TWOX_64_CONCAT, IDENTITY
}
