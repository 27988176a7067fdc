package dev.quarry.mining;

/**
 * Marker for every message that travels between cluster nodes. {@code conf/quarry.conf} binds it
 * to Pekko's Jackson CBOR serializer, so implementations are plain records of numbers, strings,
 * byte arrays, lists, enums and actor references — never a secret (no {@code Secret}, key or
 * credential ever goes into one).
 */
public interface MiningMessage {}
