package dev.quarry.grail.protocol;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHAKEDigest;

/**
 * The protocol's pseudorandom function ({@code grail/protocol/crypto.py::prf}): SHAKE256 over
 * {@code label || "||" || part0 || "||" || part1 ... partN}, truncated to the requested length.
 * With no parts the input is still {@code label || "||"}. (The reference's SHA-256 counter-mode
 * fallback is unreachable: SHAKE256 always exists in CPython.)
 */
public final class Prf {

  /** Domain label of the sketch coefficient vector. */
  public static final byte[] LABEL_SKETCH = "sketch".getBytes(StandardCharsets.US_ASCII);

  /** Domain label of the challenged-position seed. */
  public static final byte[] LABEL_OPEN = "open".getBytes(StandardCharsets.US_ASCII);

  /** The largest output the reference allows. */
  public static final int MAX_OUTPUT_BYTES = 65536;

  private static final byte[] SEPARATOR = {'|', '|'};

  private Prf() {}

  /**
   * @param label domain label
   * @param outputBytes 0..65536
   * @param parts the inputs, joined with {@code ||}
   */
  public static byte[] derive(byte[] label, int outputBytes, byte[]... parts) {
    if (outputBytes < 0) {
      throw new IllegalArgumentException("out_bytes must be non-negative, got " + outputBytes);
    }
    if (outputBytes > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException("out_bytes too large: " + outputBytes + " (max 65536)");
    }
    if (outputBytes == 0) {
      return new byte[0];
    }
    SHAKEDigest shake = new SHAKEDigest(256);
    shake.update(label, 0, label.length);
    shake.update(SEPARATOR, 0, SEPARATOR.length);
    for (int i = 0; i < parts.length; i++) {
      shake.update(parts[i], 0, parts[i].length);
      if (i < parts.length - 1) {
        shake.update(SEPARATOR, 0, SEPARATOR.length);
      }
    }
    byte[] output = new byte[outputBytes];
    shake.doFinal(output, 0, outputBytes);
    return output;
  }
}
