package dev.quarry.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * BIP39 English mnemonics and Substrate's mnemonic → mini-secret rule (substrate-bip39): the
 * PBKDF2 password is the mnemonic's <em>entropy</em>, not its text, so the result differs from a
 * BIP39 wallet seed. Error messages never repeat the words.
 */
public final class Mnemonic {

  private static final List<String> WORDS = loadWordList();
  private static final Map<String, Integer> INDEX = indexOf(WORDS);

  private Mnemonic() {}

  /** The BIP39 entropy (16..32 bytes) of a phrase; checks words, length and checksum. */
  public static byte[] toEntropy(String phrase) {
    String[] words = normalize(phrase).split(" ");
    if (words.length < 12 || words.length > 24 || words.length % 3 != 0) {
      throw new IllegalArgumentException(
          "a mnemonic has 12, 15, 18, 21 or 24 words, this one has " + words.length);
    }
    int totalBits = words.length * 11;
    int checksumBits = totalBits / 33;
    int entropyBits = totalBits - checksumBits;
    boolean[] bits = new boolean[totalBits];
    for (int w = 0; w < words.length; w++) {
      Integer index = INDEX.get(words[w]);
      if (index == null) {
        throw new IllegalArgumentException("mnemonic word " + (w + 1) + " is not in the BIP39 English word list");
      }
      for (int b = 0; b < 11; b++) {
        bits[w * 11 + b] = ((index >> (10 - b)) & 1) == 1;
      }
    }
    byte[] entropy = new byte[entropyBits / 8];
    for (int i = 0; i < entropyBits; i++) {
      if (bits[i]) {
        entropy[i / 8] |= (byte) (1 << (7 - i % 8));
      }
    }
    byte[] hash = Hashes.sha256(entropy);
    for (int i = 0; i < checksumBits; i++) {
      boolean expected = ((hash[i / 8] >> (7 - i % 8)) & 1) == 1;
      if (bits[entropyBits + i] != expected) {
        Arrays.fill(entropy, (byte) 0);
        throw new IllegalArgumentException("the mnemonic's checksum does not match (a word is wrong or out of order)");
      }
    }
    Arrays.fill(bits, false);
    return entropy;
  }

  /** The phrase for 16..32 bytes of entropy (a multiple of 4). */
  public static String fromEntropy(byte[] entropy) {
    if (entropy.length < 16 || entropy.length > 32 || entropy.length % 4 != 0) {
      throw new IllegalArgumentException("BIP39 entropy is 16, 20, 24, 28 or 32 bytes");
    }
    int entropyBits = entropy.length * 8;
    int checksumBits = entropyBits / 32;
    byte[] hash = Hashes.sha256(entropy);
    List<String> words = new ArrayList<>();
    int total = entropyBits + checksumBits;
    int accumulator = 0;
    for (int i = 0; i < total; i++) {
      boolean bit = i < entropyBits
          ? ((entropy[i / 8] >> (7 - i % 8)) & 1) == 1
          : ((hash[(i - entropyBits) / 8] >> (7 - (i - entropyBits) % 8)) & 1) == 1;
      accumulator = (accumulator << 1) | (bit ? 1 : 0);
      if (i % 11 == 10) {
        words.add(WORDS.get(accumulator));
        accumulator = 0;
      }
    }
    return String.join(" ", words);
  }

  /** A new random phrase of 12, 15, 18, 21 or 24 words. */
  public static String generate(int wordCount, SecureRandom random) {
    if (wordCount < 12 || wordCount > 24 || wordCount % 3 != 0) {
      throw new IllegalArgumentException("a mnemonic has 12, 15, 18, 21 or 24 words");
    }
    byte[] entropy = new byte[wordCount * 4 / 3];
    random.nextBytes(entropy);
    try {
      return fromEntropy(entropy);
    } finally {
      Arrays.fill(entropy, (byte) 0);
    }
  }

  /** True when the phrase is a valid BIP39 English mnemonic. */
  public static boolean isValid(String phrase) {
    try {
      Arrays.fill(toEntropy(phrase), (byte) 0);
      return true;
    } catch (IllegalArgumentException invalid) {
      return false;
    }
  }

  /**
   * Substrate's mini-secret: {@code PBKDF2-HMAC-SHA512(entropy, "mnemonic" + password, 2048)}
   * truncated to 32 bytes. btwallet uses an empty password.
   */
  public static byte[] toMiniSecret(String phrase, String password) {
    byte[] entropy = toEntropy(phrase);
    try {
      return miniSecretFromEntropy(entropy, password);
    } finally {
      Arrays.fill(entropy, (byte) 0);
    }
  }

  static byte[] miniSecretFromEntropy(byte[] entropy, String password) {
    String salt = "mnemonic" + (password == null ? "" : Normalizer.normalize(password, Normalizer.Form.NFKD));
    PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA512Digest());
    generator.init(entropy, salt.getBytes(StandardCharsets.UTF_8), 2048);
    byte[] seed = ((KeyParameter) generator.generateDerivedParameters(512)).getKey();
    try {
      return Arrays.copyOf(seed, 32);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The key pair of a phrase, as sp-core {@code Pair::from_phrase} and btwallet make it. */
  public static Keypair toKeypair(String phrase, String password) {
    byte[] miniSecret = toMiniSecret(phrase, password);
    try {
      return Sr25519.fromMiniSecret(miniSecret);
    } finally {
      Arrays.fill(miniSecret, (byte) 0);
    }
  }

  private static String normalize(String phrase) {
    if (phrase == null || phrase.isBlank()) {
      throw new IllegalArgumentException("the mnemonic is empty");
    }
    return Normalizer.normalize(phrase, Normalizer.Form.NFKD).strip().toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
  }

  private static List<String> loadWordList() {
    try (InputStream in = Mnemonic.class.getResourceAsStream("bip39-english.txt")) {
      if (in == null) {
        throw new IllegalStateException("BIP39 word list resource is missing from the jar");
      }
      List<String> words = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\n"));
      if (words.size() != 2048) {
        throw new IllegalStateException("BIP39 word list has " + words.size() + " words, expected 2048");
      }
      return words;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the BIP39 word list", e);
    }
  }

  private static Map<String, Integer> indexOf(List<String> words) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < words.size(); i++) {
      index.put(words.get(i), i);
    }
    return Map.copyOf(index);
  }
}
