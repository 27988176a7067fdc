package dev.quarry.crypto;

import cafe.cryptography.curve25519.Scalar;
import java.util.Arrays;

/**
 * An sr25519 key pair (schnorrkel secret scalar and nonce, and the public key). Sign with
 * {@link #sign(byte[])}; the secret never leaves this object except through
 * {@link #secretKeyBytes()}, which key-file writers need. {@code toString} shows only the SS58
 * address. Instances are immutable and thread-safe.
 */
public final class Keypair {

  private final byte[] secretScalar;
  private final byte[] nonce;
  private final AccountId publicKey;

  Keypair(byte[] secretScalar, byte[] nonce, AccountId publicKey) {
    this.secretScalar = secretScalar.clone();
    this.nonce = nonce.clone();
    this.publicKey = publicKey;
  }

  /** The account id (public key) of this pair. */
  public AccountId accountId() {
    return publicKey;
  }

  public byte[] publicKey() {
    return publicKey.bytes();
  }

  public String ss58Address() {
    return publicKey.ss58();
  }

  /** Signs {@code message} with signing context "substrate" (randomized, as schnorrkel is). */
  public byte[] sign(byte[] message) {
    return Sr25519.sign(this, message);
  }

  /** Verifies a signature made over {@code message} by this pair's public key. */
  public boolean verify(byte[] message, byte[] signature) {
    return Sr25519.verify(publicKey.bytes(), message, signature);
  }

  /**
   * The 64-byte schnorrkel secret key in canonical form (scalar mod ℓ ++ nonce), which is what
   * btwallet writes as {@code privateKey} and sp-core calls {@code to_raw_vec}. Treat as secret.
   */
  public byte[] secretKeyBytes() {
    byte[] out = Arrays.copyOf(secretScalar, 64);
    System.arraycopy(nonce, 0, out, 32, 32);
    return out;
  }

  Scalar scalar() {
    return Scalar.fromBytesModOrder(secretScalar);
  }

  byte[] nonce() {
    return nonce.clone();
  }

  byte[] scalarBytes() {
    return secretScalar.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Keypair that
        && publicKey.equals(that.publicKey)
        && java.security.MessageDigest.isEqual(secretScalar, that.secretScalar)
        && java.security.MessageDigest.isEqual(nonce, that.nonce);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "Keypair[" + publicKey.ss58() + "]";
  }
}
