package dev.quarry.crypto.wallet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * btwallet's {@code $NACL} key-file encryption: libsodium {@code crypto_pwhash_argon2i13} with
 * the SENSITIVE limits and btwallet's fixed salt, then {@code crypto_secretbox}
 * (XSalsa20-Poly1305). File layout: {@code "$NACL" ++ nonce(24) ++ tag(16) ++ ciphertext}.
 */
final class NaclSecretBox {

  static final byte[] MAGIC = "$NACL".getBytes(StandardCharsets.US_ASCII);
  static final byte[] NACL_SALT = {
    0x13, 0x71, (byte) 0x83, (byte) 0xdf, (byte) 0xf1, 0x5a, 0x09, (byte) 0xbc,
    (byte) 0x9c, (byte) 0x90, (byte) 0xb5, 0x51, (byte) 0x87, 0x39, (byte) 0xe9, (byte) 0xb1
  };
  /** libsodium argon2i OPSLIMIT_SENSITIVE and MEMLIMIT_SENSITIVE (512 MiB), as btwallet uses. */
  static final NaclSecretBox BTWALLET = new NaclSecretBox(8, 512 * 1024);

  private static final int NONCE_LENGTH = 24;
  private static final int TAG_LENGTH = 16;

  private final int iterations;
  private final int memoryKiB;

  NaclSecretBox(int iterations, int memoryKiB) {
    this.iterations = iterations;
    this.memoryKiB = memoryKiB;
  }

  static boolean isNacl(byte[] fileBytes) {
    return fileBytes.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(fileBytes, MAGIC.length), MAGIC);
  }

  /** Decrypts a {@code $NACL} file; returns null when the password is wrong (the MAC fails). */
  byte[] open(byte[] fileBytes, char[] password) {
    if (!isNacl(fileBytes) || fileBytes.length < MAGIC.length + NONCE_LENGTH + TAG_LENGTH) {
      throw new KeyfileException("not a $NACL-encrypted key file, or it is truncated");
    }
    byte[] nonce = Arrays.copyOfRange(fileBytes, MAGIC.length, MAGIC.length + NONCE_LENGTH);
    byte[] tag = Arrays.copyOfRange(fileBytes, MAGIC.length + NONCE_LENGTH, MAGIC.length + NONCE_LENGTH + TAG_LENGTH);
    byte[] ciphertext = Arrays.copyOfRange(fileBytes, MAGIC.length + NONCE_LENGTH + TAG_LENGTH, fileBytes.length);
    byte[] key = deriveKey(password);
    try {
      XSalsa20Engine cipher = new XSalsa20Engine();
      cipher.init(false, new ParametersWithIV(new KeyParameter(key), nonce));
      byte[] macKey = new byte[32];
      cipher.processBytes(new byte[32], 0, 32, macKey, 0);
      byte[] expectedTag = poly1305(macKey, ciphertext);
      Arrays.fill(macKey, (byte) 0);
      if (!MessageDigest.isEqual(expectedTag, tag)) {
        return null;
      }
      byte[] plaintext = new byte[ciphertext.length];
      cipher.processBytes(ciphertext, 0, ciphertext.length, plaintext, 0);
      return plaintext;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** Encrypts {@code plaintext} with a fresh random nonce into the {@code $NACL} file layout. */
  byte[] seal(byte[] plaintext, char[] password, SecureRandom random) {
    byte[] nonce = new byte[NONCE_LENGTH];
    random.nextBytes(nonce);
    byte[] key = deriveKey(password);
    try {
      XSalsa20Engine cipher = new XSalsa20Engine();
      cipher.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
      byte[] macKey = new byte[32];
      cipher.processBytes(new byte[32], 0, 32, macKey, 0);
      byte[] ciphertext = new byte[plaintext.length];
      cipher.processBytes(plaintext, 0, plaintext.length, ciphertext, 0);
      byte[] tag = poly1305(macKey, ciphertext);
      Arrays.fill(macKey, (byte) 0);
      byte[] out = new byte[MAGIC.length + NONCE_LENGTH + TAG_LENGTH + ciphertext.length];
      System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
      System.arraycopy(nonce, 0, out, MAGIC.length, NONCE_LENGTH);
      System.arraycopy(tag, 0, out, MAGIC.length + NONCE_LENGTH, TAG_LENGTH);
      System.arraycopy(ciphertext, 0, out, MAGIC.length + NONCE_LENGTH + TAG_LENGTH, ciphertext.length);
      return out;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private byte[] deriveKey(char[] password) {
    byte[] passwordBytes = utf8(password);
    try {
      Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_i)
          .withVersion(Argon2Parameters.ARGON2_VERSION_13)
          .withIterations(iterations)
          .withMemoryAsKB(memoryKiB)
          .withParallelism(1)
          .withSalt(NACL_SALT)
          .build();
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(parameters);
      byte[] key = new byte[32];
      generator.generateBytes(passwordBytes, key);
      return key;
    } finally {
      Arrays.fill(passwordBytes, (byte) 0);
    }
  }

  private static byte[] poly1305(byte[] key, byte[] message) {
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(key));
    mac.update(message, 0, message.length);
    byte[] tag = new byte[TAG_LENGTH];
    mac.doFinal(tag, 0);
    return tag;
  }

  static byte[] utf8(char[] chars) {
    java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(chars));
    byte[] bytes = Arrays.copyOf(encoded.array(), encoded.limit());
    Arrays.fill(encoded.array(), (byte) 0);
    return bytes;
  }
}
