package dev.quarry.storage.checkpoint;

import java.util.Arrays;
import java.util.Locale;

/**
 * The sparse delta encodings a trainer may publish, named as in {@code delta_metadata.json}'s
 * {@code format} field, each with the version number its payload header carries.
 */
public enum DeltaFormat {
  /** Flat positions, delta-encoded int32. */
  V2("sparse_codec_v2", 2),
  /** Row/column coordinates, delta-encoded int32. */
  V3("sparse_codec_v3", 3),
  /** As v3, with row and column deltas narrowed to uint8/uint16 where they fit. */
  V3_1("sparse_codec_v3.1", 31);

  private final String formatName;
  private final int headerVersion;

  DeltaFormat(String formatName, int headerVersion) {
    this.formatName = formatName;
    this.headerVersion = headerVersion;
  }

  /** The name written to {@code delta_metadata.json}, e.g. {@code sparse_codec_v3.1}. */
  public String formatName() {
    return formatName;
  }

  /** The {@code version} field of the payload header (2, 3 or 31). */
  public int headerVersion() {
    return headerVersion;
  }

  /** Parses a {@code format} field; unknown names are refused rather than guessed. */
  public static DeltaFormat fromFormatName(String name) {
    return Arrays.stream(values())
        .filter(format -> format.formatName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unsupported delta format '" + name
            + "' (known: sparse_codec_v2, sparse_codec_v3, sparse_codec_v3.1)"));
  }

  /** Accepts the trainer's {@code GRAIL_DELTA_FORMAT} spellings: {@code v3.1} or {@code sparse_codec_v3.1}. */
  public static DeltaFormat fromSetting(String value) {
    String normalized = value.strip().toLowerCase(Locale.ROOT);
    return switch (normalized) {
      case "v2", "sparse_codec_v2" -> V2;
      case "v3", "sparse_codec_v3" -> V3;
      case "v3.1", "sparse_codec_v3.1" -> V3_1;
      default -> throw new IllegalArgumentException("unknown delta format '" + value + "'; use v2, v3 or v3.1");
    };
  }
}
