package dev.quarry.crypto;

import cafe.cryptography.curve25519.CompressedRistretto;
import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.RistrettoElement;
import cafe.cryptography.curve25519.Scalar;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * sr25519 as Substrate uses it: schnorrkel Schnorr signatures on Ristretto255 with Merlin
 * transcripts, signing context {@code "substrate"}, mini-secrets expanded in Ed25519 mode, and
 * the schnorrkel marker bit in signatures. Signatures are randomized (like schnorrkel's), so
 * compare them by verifying, never byte for byte.
 */
public final class Sr25519 {

  public static final int SIGNATURE_LENGTH = 64;
  private static final byte[] SUBSTRATE_CONTEXT = "substrate".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BYTES_OPEN = "<Bytes>".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BYTES_CLOSE = "</Bytes>".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private Sr25519() {}

  /**
   * The key pair of a 32-byte mini-secret (the "seed" of sp-core and btwallet's
   * {@code secretSeed}), expanded as schnorrkel's {@code ExpansionMode::Ed25519}.
   */
  public static Keypair fromMiniSecret(byte[] miniSecret) {
    if (miniSecret == null || miniSecret.length != 32) {
      throw new IllegalArgumentException("an sr25519 mini-secret is 32 bytes");
    }
    byte[] hash = Hashes.sha512(miniSecret);
    try {
      byte[] key = Arrays.copyOf(hash, 32);
      key[0] &= (byte) 248;
      key[31] &= 63;
      key[31] |= 64;
      divideByCofactor(key);
      byte[] nonce = Arrays.copyOfRange(hash, 32, 64);
      return fromScalarAndNonce(key, nonce);
    } finally {
      Arrays.fill(hash, (byte) 0);
    }
  }

  /**
   * The key pair of a 64-byte schnorrkel secret key in canonical form (scalar mod ℓ ++ nonce): the
   * form of btwallet's {@code privateKey} and sp-core's {@code from_seed_slice} with 64 bytes.
   */
  public static Keypair fromSecretKey(byte[] secretKey) {
    if (secretKey == null || secretKey.length != 64) {
      throw new IllegalArgumentException("an sr25519 secret key is 64 bytes");
    }
    byte[] scalar = Arrays.copyOf(secretKey, 32);
    try {
      Scalar.fromCanonicalBytes(scalar);
    } catch (IllegalArgumentException notCanonical) {
      throw new IllegalArgumentException("the sr25519 secret key's scalar is not canonical (is it in ed25519 form?)");
    }
    return fromScalarAndNonce(scalar, Arrays.copyOfRange(secretKey, 32, 64));
  }

  /**
   * The key pair of a 64-byte secret in "ed25519 form" (scalar × 8 ++ nonce), the form
   * polkadot-js and schnorrkel's {@code to_ed25519_bytes} use.
   */
  public static Keypair fromEd25519SecretKey(byte[] secretKey) {
    if (secretKey == null || secretKey.length != 64) {
      throw new IllegalArgumentException("an sr25519 secret key is 64 bytes");
    }
    byte[] scalar = Arrays.copyOf(secretKey, 32);
    divideByCofactor(scalar);
    try {
      Scalar.fromCanonicalBytes(scalar);
    } catch (IllegalArgumentException notCanonical) {
      throw new IllegalArgumentException("the ed25519-form secret key does not hold a valid scalar");
    }
    return fromScalarAndNonce(scalar, Arrays.copyOfRange(secretKey, 32, 64));
  }

  static Keypair fromScalarAndNonce(byte[] scalarBytes, byte[] nonce) {
    Scalar scalar = Scalar.fromBytesModOrder(scalarBytes);
    byte[] canonical = scalar.toByteArray();
    byte[] publicKey = Constants.RISTRETTO_GENERATOR_TABLE.multiply(scalar).compress().toByteArray();
    return new Keypair(canonical, nonce, new AccountId(publicKey));
  }

  /** Signs {@code message} with context "substrate" using fresh randomness. */
  public static byte[] sign(Keypair keypair, byte[] message) {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    return sign(keypair, message, random);
  }

  /**
   * Signs with caller-supplied witness randomness (the 32 bytes schnorrkel would draw from its
   * RNG). Only for reproducible test vectors: reusing {@code random} for two different messages
   * is still safe here (the nonce also binds the message), but production code should call
   * {@link #sign(Keypair, byte[])}.
   */
  public static byte[] sign(Keypair keypair, byte[] message, byte[] random) {
    if (random.length != 32) {
      throw new IllegalArgumentException("signing randomness is 32 bytes");
    }
    MerlinTranscript transcript = signingTranscript(SUBSTRATE_CONTEXT, message);
    byte[] publicKey = keypair.publicKey();
    transcript.appendMessage("proto-name", MerlinTranscript.ascii("Schnorr-sig"));
    transcript.appendMessage("sign:pk", publicKey);
    byte[] nonce = keypair.nonce();
    byte[] witness = transcript.witnessBytes("signing", new byte[][] {nonce}, random, 64);
    Scalar r = Scalar.fromBytesModOrderWide(witness);
    Arrays.fill(witness, (byte) 0);
    Arrays.fill(nonce, (byte) 0);
    byte[] commitment = Constants.RISTRETTO_GENERATOR_TABLE.multiply(r).compress().toByteArray();
    transcript.appendMessage("sign:R", commitment);
    Scalar challenge = Scalar.fromBytesModOrderWide(transcript.challengeBytes("sign:c", 64));
    Scalar s = challenge.multiplyAndAdd(keypair.scalar(), r);
    byte[] signature = Arrays.copyOf(commitment, 64);
    System.arraycopy(s.toByteArray(), 0, signature, 32, 32);
    signature[63] |= (byte) 0x80;
    return signature;
  }

  /**
   * Verifies a schnorrkel signature with context "substrate" over {@code message} exactly.
   * Returns false (never throws) for malformed keys or signatures.
   */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || publicKey.length != 32 || signature == null || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    if ((signature[63] & 0x80) == 0) {
      return false; // not marked as a schnorrkel signature (pre-0.8 or ed25519)
    }
    byte[] sBytes = Arrays.copyOfRange(signature, 32, 64);
    sBytes[31] &= 0x7f;
    Scalar s;
    try {
      s = Scalar.fromCanonicalBytes(sBytes);
    } catch (IllegalArgumentException notCanonical) {
      return false;
    }
    RistrettoElement publicPoint;
    try {
      publicPoint = new CompressedRistretto(publicKey).decompress();
    } catch (InvalidEncodingException | IllegalArgumentException badKey) {
      return false;
    }
    byte[] commitment = Arrays.copyOf(signature, 32);
    MerlinTranscript transcript = signingTranscript(SUBSTRATE_CONTEXT, message);
    transcript.appendMessage("proto-name", MerlinTranscript.ascii("Schnorr-sig"));
    transcript.appendMessage("sign:pk", publicKey);
    transcript.appendMessage("sign:R", commitment);
    Scalar challenge = Scalar.fromBytesModOrderWide(transcript.challengeBytes("sign:c", 64));
    RistrettoElement expected =
        Constants.RISTRETTO_GENERATOR_TABLE.multiply(s).subtract(publicPoint.multiply(challenge));
    return java.security.MessageDigest.isEqual(expected.compress().toByteArray(), commitment);
  }

  /**
   * Verifies like {@link #verify} and, when that fails, retries with the message wrapped in
   * {@code <Bytes>…</Bytes>}, which is how polkadot-js {@code signRaw} (browser extensions) signs
   * and how btwallet's {@code Keypair.verify} accepts it.
   */
  public static boolean verifyAllowingBytesWrapper(byte[] publicKey, byte[] message, byte[] signature) {
    if (verify(publicKey, message, signature)) {
      return true;
    }
    byte[] wrapped = new byte[BYTES_OPEN.length + message.length + BYTES_CLOSE.length];
    System.arraycopy(BYTES_OPEN, 0, wrapped, 0, BYTES_OPEN.length);
    System.arraycopy(message, 0, wrapped, BYTES_OPEN.length, message.length);
    System.arraycopy(BYTES_CLOSE, 0, wrapped, BYTES_OPEN.length + message.length, BYTES_CLOSE.length);
    return verify(publicKey, wrapped, signature);
  }

  private static MerlinTranscript signingTranscript(byte[] context, byte[] message) {
    MerlinTranscript transcript = new MerlinTranscript("SigningContext");
    transcript.appendMessage("", context);
    transcript.appendMessage("sign-bytes", message);
    return transcript;
  }

  /** schnorrkel's {@code divide_scalar_bytes_by_cofactor}: a 3-bit right shift of 32 LE bytes. */
  static void divideByCofactor(byte[] scalar) {
    int low = 0;
    for (int i = 31; i >= 0; i--) {
      int value = scalar[i] & 0xff;
      int remainder = value & 0x07;
      scalar[i] = (byte) ((value >> 3) + low);
      low = remainder << 5;
    }
  }

  /** schnorrkel's {@code multiply_scalar_bytes_by_cofactor}: a 3-bit left shift of 32 LE bytes. */
  static void multiplyByCofactor(byte[] scalar) {
    int high = 0;
    for (int i = 0; i < 32; i++) {
      int value = scalar[i] & 0xff;
      int carry = value & 0xe0;
      scalar[i] = (byte) ((value << 3) + high);
      high = carry >> 5;
    }
  }
}
