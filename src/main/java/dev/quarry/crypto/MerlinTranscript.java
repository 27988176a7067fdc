package dev.quarry.crypto;

import java.nio.charset.StandardCharsets;

/**
 * A Merlin transcript (STROBE-128 based Fiat–Shamir transcript, protocol label "Merlin v1.0"), as
 * the Rust {@code merlin} crate defines it; schnorrkel builds every signature and key derivation on
 * it. Labels are ASCII.
 */
final class MerlinTranscript {

  private static final byte[] PROTOCOL_LABEL = ascii("Merlin v1.0");

  private final Strobe128 strobe;

  MerlinTranscript(String label) {
    strobe = new Strobe128(PROTOCOL_LABEL);
    appendMessage("dom-sep", ascii(label));
  }

  private MerlinTranscript(Strobe128 strobe) {
    this.strobe = strobe;
  }

  MerlinTranscript copy() {
    return new MerlinTranscript(strobe.copy());
  }

  void appendMessage(String label, byte[] message) {
    strobe.metaAd(ascii(label), false);
    strobe.metaAd(le32(message.length), true);
    strobe.ad(message, false);
  }

  byte[] challengeBytes(String label, int length) {
    byte[] out = new byte[length];
    strobe.metaAd(ascii(label), false);
    strobe.metaAd(le32(length), true);
    strobe.prf(out, false);
    return out;
  }

  /**
   * The witness RNG of {@code build_rng().rekey_with_witness_bytes(label, seed)…finalize(rng)}
   * followed by one {@code fill_bytes} of {@code length} bytes. {@code randomBytes} is the 32 bytes
   * the caller's RNG would have produced; the transcript itself is left unchanged.
   */
  byte[] witnessBytes(String label, byte[][] nonceSeeds, byte[] randomBytes, int length) {
    Strobe128 rng = strobe.copy();
    try {
      for (byte[] seed : nonceSeeds) {
        rng.metaAd(ascii(label), false);
        rng.metaAd(le32(seed.length), true);
        rng.key(seed, false);
      }
      rng.metaAd(ascii("rng"), false);
      rng.key(randomBytes, false);
      byte[] out = new byte[length];
      rng.metaAd(le32(length), false);
      rng.prf(out, false);
      return out;
    } finally {
      rng.wipe();
    }
  }

  private static byte[] le32(int value) {
    return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
