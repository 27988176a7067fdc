package dev.quarry.blockzero;

import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.Sr25519;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The byte strings BlockZero signs and how signatures travel ({@code mycelia/shared/schema.py}):
 * sr25519 with the "substrate" context, encoded as base64url without padding (86 characters).
 *
 * <ul>
 *   <li>the model-hash signature committed on chain: over the UTF-8 bytes of the 48-hex hash;
 *   <li>the block message of download and submission requests: the target validator's 32-byte
 *       public key followed by the sender's current block as an unsigned 64-bit big-endian integer;
 *   <li>the submission signature: over the 24-byte model hash followed by the block message.
 * </ul>
 */
public final class SignedMessages {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private SignedMessages() {}

  /** {@code construct_block_message}: pubkey(32) || block (u64 big-endian). */
  public static byte[] blockMessage(AccountId target, long block) {
    if (block < 0) {
      throw new IllegalArgumentException("block must not be negative, got " + block);
    }
    return ByteBuffer.allocate(40).put(target.bytes()).putLong(block).array();
  }

  /** The message a model-hash signature covers: the UTF-8 of its lowercase hex form. */
  public static byte[] modelHashMessage(ModelHash hash) {
    return hash.hex().getBytes(StandardCharsets.US_ASCII);
  }

  /** The submission message: model hash (24 bytes) || block message (40 bytes). */
  public static byte[] submissionMessage(ModelHash hash, byte[] blockMessage) {
    return ByteBuffer.allocate(ModelHash.BYTES + blockMessage.length).put(hash.bytes()).put(blockMessage).array();
  }

  /** Signs and encodes ({@code sign_message}). */
  public static String sign(Keypair signer, byte[] message) {
    return ENCODER.encodeToString(signer.sign(message));
  }

  /**
   * Verifies ({@code verify_message}): decodes base64url (padding optional) and checks the
   * signature as the SDK's {@code Keypair.verify} does (also over {@code <Bytes>}-wrapped
   * messages). Malformed signatures are simply invalid.
   */
  public static boolean verify(AccountId signer, byte[] message, String signature) {
    if (signature == null) {
      return false;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(signature.strip());
    } catch (IllegalArgumentException malformed) {
      return false;
    }
    return raw.length == 64 && Sr25519.verifyAllowingBytesWrapper(signer.bytes(), message, raw);
  }
}
