package dev.quarry.grail.protocol;

import dev.quarry.grail.protocol.python.PythonJson;

/**
 * The JSON forms of a rollout's per-position commitments {@code [{"sketch": v}, ...]} and of its
 * beacon. Two renderings matter byte for byte: the compact sorted one hashed into the commit binding
 * ({@code hash_commitments}) and the default {@code json.dumps} one stored in the Parquet
 * {@code commit.commitments} / {@code commit.beacon} string columns.
 */
public final class Commitments {

  private Commitments() {}

  /** {@code json.dumps(commitments, sort_keys=True, separators=(",", ":"))}. */
  public static String compactJson(long[] sketches) {
    StringBuilder out = new StringBuilder(sketches.length * 24 + 2);
    out.append('[');
    for (int i = 0; i < sketches.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append("{\"sketch\":").append(sketches[i]).append('}');
    }
    return out.append(']').toString();
  }

  /** {@code json.dumps(commitments)}: what the Parquet {@code commitments} column holds. */
  public static String parquetJson(long[] sketches) {
    StringBuilder out = new StringBuilder(sketches.length * 26 + 2);
    out.append('[');
    for (int i = 0; i < sketches.length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append("{\"sketch\": ").append(sketches[i]).append('}');
    }
    return out.append(']').toString();
  }

  /** {@code json.dumps({"randomness": beacon})}: what the Parquet {@code beacon} column holds. */
  public static String beaconParquetJson(Randomness beacon) {
    return "{\"randomness\": \"" + beacon.hex() + "\"}";
  }

  /** {@code hash_commitments}: SHA-256 of {@link #compactJson}. */
  public static byte[] hash(long[] sketches) {
    return Hashing.sha256(compactJson(sketches));
  }

  /**
   * {@code hash_commitments} over commitments as parsed from someone else's file (any JSON tree, as
   * {@link PythonJson} accepts), for verifying a binding the miner may have built from extra keys.
   */
  public static byte[] hashParsed(Object commitments) {
    return Hashing.sha256(PythonJson.dumps(commitments, PythonJson.Style.COMPACT_SORTED));
  }
}
