package dev.quarry.crypto;

import cafe.cryptography.curve25519.Scalar;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substrate secret URIs ({@code "<phrase or 0x-seed>//hard/soft///password"}) and schnorrkel HDKD,
 * as sp-core's {@code Pair::from_string} resolves them. A URI that starts with a path uses the
 * well-known development phrase, so {@code "//Alice"} is Alice's dev key. Messages never echo
 * the URI (it may hold a mnemonic).
 */
public final class SecretUri {

  /** The public Substrate development phrase behind {@code //Alice}, {@code //Bob}, … */
  public static final String DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

  private static final Pattern URI =
      Pattern.compile("^(?<phrase>[\\p{L}\\p{N}_ ]+)?(?<path>(//?[^/]+)*)(///(?<password>.*))?$", Pattern.DOTALL);
  private static final Pattern JUNCTION = Pattern.compile("/(/?[^/]+)");
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretUri() {}

  /** A derivation step: a 32-byte chain code, hard or soft. */
  public record Junction(byte[] chainCode, boolean hard) {
    /** The junction sp-core makes of one path segment (numbers become u64, text a SCALE string). */
    public static Junction of(String segment, boolean hard) {
      byte[] encoded;
      if (segment.matches("\\d+") && fitsUnsignedLong(segment)) {
        long value = Long.parseUnsignedLong(segment);
        encoded = new byte[8];
        for (int i = 0; i < 8; i++) {
          encoded[i] = (byte) (value >>> (8 * i));
        }
      } else {
        byte[] utf8 = segment.getBytes(StandardCharsets.UTF_8);
        byte[] length = compactLength(utf8.length);
        encoded = Arrays.copyOf(length, length.length + utf8.length);
        System.arraycopy(utf8, 0, encoded, length.length, utf8.length);
      }
      byte[] chainCode = encoded.length > 32 ? Hashes.blake2b256(encoded) : Arrays.copyOf(encoded, 32);
      return new Junction(chainCode, hard);
    }
  }

  /** The key pair named by a secret URI. */
  public static Keypair toKeypair(String uri) {
    if (uri == null) {
      throw new IllegalArgumentException("the secret URI is missing");
    }
    Matcher matcher = URI.matcher(uri);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a valid secret URI (expected '<phrase or 0x-seed>//hard/soft///password')");
    }
    String phrase = matcher.group("phrase");
    String path = matcher.group("path");
    String password = matcher.group("password");
    List<Junction> junctions = new ArrayList<>();
    Matcher junctionMatcher = JUNCTION.matcher(path == null ? "" : path);
    while (junctionMatcher.find()) {
      String code = junctionMatcher.group(1);
      boolean hard = code.startsWith("/");
      junctions.add(Junction.of(hard ? code.substring(1) : code, hard));
    }
    Keypair root;
    if (phrase == null || phrase.isBlank()) {
      root = Mnemonic.toKeypair(DEV_PHRASE, password);
    } else if (phrase.strip().startsWith("0x")) {
      byte[] seed = Hex.decode(phrase.strip(), 32, "the secret seed");
      try {
        root = Sr25519.fromMiniSecret(seed);
      } finally {
        Arrays.fill(seed, (byte) 0);
      }
    } else {
      root = Mnemonic.toKeypair(phrase, password);
    }
    return derive(root, junctions);
  }

  /** The development key {@code //name} (for example "Alice", "Bob"). */
  public static Keypair dev(String name) {
    return toKeypair("//" + name);
  }

  /** Applies junctions in order: hard junctions re-seed, soft ones add a scalar. */
  public static Keypair derive(Keypair root, List<Junction> junctions) {
    Keypair current = root;
    for (Junction junction : junctions) {
      current = junction.hard() ? hardDerive(current, junction.chainCode()) : softDerive(current, junction.chainCode());
    }
    return current;
  }

  /** schnorrkel {@code hard_derive_mini_secret_key(Some(cc), b"")} then Ed25519-mode expansion. */
  static Keypair hardDerive(Keypair parent, byte[] chainCode) {
    MerlinTranscript transcript = new MerlinTranscript("SchnorrRistrettoHDKD");
    transcript.appendMessage("sign-bytes", new byte[0]);
    transcript.appendMessage("chain-code", chainCode);
    byte[] scalar = parent.scalarBytes();
    transcript.appendMessage("secret-key", scalar);
    Arrays.fill(scalar, (byte) 0);
    byte[] miniSecret = transcript.challengeBytes("HDKD-hard", 32);
    try {
      return Sr25519.fromMiniSecret(miniSecret);
    } finally {
      Arrays.fill(miniSecret, (byte) 0);
    }
  }

  /**
   * schnorrkel {@code derived_key_simple(cc, b"")}: secret + H(cc, public). The derived nonce is
   * random, as in schnorrkel, so only the public key is reproducible.
   */
  static Keypair softDerive(Keypair parent, byte[] chainCode) {
    MerlinTranscript transcript = new MerlinTranscript("SchnorrRistrettoHDKD");
    transcript.appendMessage("sign-bytes", new byte[0]);
    transcript.appendMessage("chain-code", chainCode);
    transcript.appendMessage("public-key", parent.publicKey());
    Scalar offset = Scalar.fromBytesModOrderWide(transcript.challengeBytes("HDKD-scalar", 64));
    transcript.challengeBytes("HDKD-chaincode", 32);
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    byte[] nonce = transcript.witnessBytes(
        "HDKD-nonce", new byte[][] {parent.nonce(), parent.secretKeyBytes()}, random, 32);
    Scalar derived = parent.scalar().add(offset);
    return Sr25519.fromScalarAndNonce(derived.toByteArray(), nonce);
  }

  private static boolean fitsUnsignedLong(String digits) {
    try {
      Long.parseUnsignedLong(digits);
      return true;
    } catch (NumberFormatException tooLarge) {
      return false;
    }
  }

  private static byte[] compactLength(int length) {
    if (length < 64) {
      return new byte[] {(byte) (length << 2)};
    }
    if (length < (1 << 14)) {
      int v = (length << 2) | 1;
      return new byte[] {(byte) v, (byte) (v >> 8)};
    }
    int v = (length << 2) | 2;
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }
}
