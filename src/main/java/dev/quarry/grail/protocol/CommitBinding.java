package dev.quarry.grail.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The 32-byte digest a miner's hotkey signs for every rollout ({@code build_commit_binding}), stored
 * hex-encoded in {@code commit.signature}:
 *
 * <pre>
 * SHA256("grail-commit-v1" || LP(sha256(tokens)) || LP(bytes(beacon)) || LP(utf8(model name))
 *        || LP(int32_be(layer index)) || LP(hash_commitments))
 * </pre>
 *
 * where {@code LP(x)} is a 4-byte big-endian length followed by x. Signing happens elsewhere
 * (sr25519, context "substrate"); this class only produces the digest.
 */
public final class CommitBinding {

  private static final byte[] DOMAIN = "grail-commit-v1".getBytes(StandardCharsets.US_ASCII);

  private CommitBinding() {}

  /** The digest for our own rollout: sketches rendered as {@code [{"sketch": v}, ...]}. */
  public static byte[] digest(int[] tokens, Randomness beacon, String modelName, int layerIndex, long[] sketches) {
    return digest(Tokens.hash(tokens), beacon.bytes(), modelName, layerIndex, Commitments.hash(sketches));
  }

  /**
   * The digest from its parts, for verifying others' rows: {@code randomnessText} goes through the
   * reference's hex clean-up ({@link HexCleaning#toBytes}), which throws where the reference does.
   */
  public static byte[] digest(
      int[] tokens, String randomnessText, String modelName, int layerIndex, byte[] commitmentsHash) {
    return digest(Tokens.hash(tokens), HexCleaning.toBytes(randomnessText), modelName, layerIndex, commitmentsHash);
  }

  /** The digest from already hashed tokens and commitments and the beacon bytes. */
  public static byte[] digest(
      byte[] tokensHash, byte[] beaconBytes, String modelName, int layerIndex, byte[] commitmentsHash) {
    MessageDigest sha256 = Hashing.sha256();
    sha256.update(DOMAIN);
    byte[] model = (modelName == null ? "" : modelName).getBytes(StandardCharsets.UTF_8);
    byte[] layer = ByteBuffer.allocate(4).putInt(layerIndex).array();
    for (byte[] part : new byte[][] {tokensHash, beaconBytes, model, layer, commitmentsHash}) {
      sha256.update(ByteBuffer.allocate(4).putInt(part.length).array());
      sha256.update(part);
    }
    return sha256.digest();
  }
}
