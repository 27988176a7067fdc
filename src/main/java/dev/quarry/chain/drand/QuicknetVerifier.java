package dev.quarry.chain.drand;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import supranational.blst.BLST_ERROR;
import supranational.blst.P1_Affine;
import supranational.blst.P2_Affine;

/**
 * Checks quicknet beacons with blst (jblst): the signature must be a valid G1 point and verify
 * against the quicknet public key for the message {@code sha256(u64_be(round))}, and the
 * randomness, when the relay sends one, must equal {@code sha256(signature)}. Grail trusts relays
 * blindly; Quarry does not.
 */
public final class QuicknetVerifier {

  private static final int SIGNATURE_BYTES = 48;

  private QuicknetVerifier() {}

  /**
   * Verifies a beacon as received from a relay.
   *
   * @param round the round the relay claims
   * @param signatureHex the signature, hex
   * @param randomnessHex the randomness the relay sent, or {@code null} (v2 responses omit it)
   * @return the verified beacon, whose randomness is always computed here
   * @throws InvalidBeaconException with the reason when anything does not match
   */
  public static DrandBeacon verify(long round, String signatureHex, String randomnessHex) throws InvalidBeaconException {
    if (round < 1) {
      throw new InvalidBeaconException("round " + round + " does not exist (rounds start at 1)");
    }
    byte[] signature;
    try {
      signature = HexFormat.of().parseHex(signatureHex == null ? "" : signatureHex.trim());
    } catch (IllegalArgumentException notHex) {
      throw new InvalidBeaconException("signature is not hex");
    }
    if (signature.length != SIGNATURE_BYTES) {
      throw new InvalidBeaconException("signature is " + signature.length + " bytes; quicknet signatures are 48");
    }
    String randomness = HexFormat.of().formatHex(sha256(signature));
    if (randomnessHex != null && !randomnessHex.trim().toLowerCase(Locale.ROOT).equals(randomness)) {
      throw new InvalidBeaconException("randomness is not sha256(signature)");
    }
    BLST_ERROR result;
    try {
      P1_Affine point = new P1_Affine(signature);
      if (!point.in_group()) {
        throw new InvalidBeaconException("signature is not a point of the G1 subgroup");
      }
      P2_Affine publicKey = new P2_Affine(HexFormat.of().parseHex(Quicknet.PUBLIC_KEY));
      result = point.core_verify(publicKey, true, message(round), Quicknet.DOMAIN_SEPARATION_TAG);
    } catch (InvalidBeaconException rethrown) {
      throw rethrown;
    } catch (RuntimeException badEncoding) {
      throw new InvalidBeaconException("signature is not a valid compressed G1 point", badEncoding);
    } catch (LinkageError noNativeLibrary) {
      throw new InvalidBeaconException(
          "cannot verify: the blst native library is not available on this platform (" + noNativeLibrary.getMessage() + ")",
          noNativeLibrary);
    }
    if (result != BLST_ERROR.BLST_SUCCESS) {
      throw new InvalidBeaconException("BLS signature does not verify for round " + round + " (" + result + ")");
    }
    return new DrandBeacon(round, signature, randomness);
  }

  /** The signed message of an unchained round: {@code sha256} of the round as 8 big-endian bytes. */
  static byte[] message(long round) {
    return sha256(ByteBuffer.allocate(Long.BYTES).putLong(round).array());
  }

  static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", impossible);
    }
  }
}
