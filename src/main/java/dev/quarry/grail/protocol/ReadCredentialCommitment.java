package dev.quarry.grail.protocol;

import dev.quarry.grail.protocol.python.PythonText;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The 128-character on-chain commitment publishing a miner's bucket read credentials
 * ({@code BucketCredentials.read_commitment}, committed as {@code Raw128}): account id, read access
 * key id and read secret, space-padded to 32 + 32 + 64 characters. Readers take the bucket name to
 * be the account id.
 *
 * <p>Building refuses fields that are empty, non-ASCII or too long: the reference silently truncates
 * them, publishing a credential that cannot work. Parsing follows the reference's reader exactly
 * (UTF-8, 128 characters, fields stripped, none empty). {@link #toString()} never shows the secret.
 */
public final class ReadCredentialCommitment {

  /** Characters in a commitment. */
  public static final int LENGTH = 128;

  /** The commitment's fields in order, each space-padded to its width. */
  public enum Field {
    ACCOUNT_ID("account id", 32, false),
    ACCESS_KEY_ID("read access key id", 32, false),
    SECRET_ACCESS_KEY("read secret access key", 64, true);

    private final String description;
    private final int width;
    private final boolean secret;

    Field(String description, int width, boolean secret) {
      this.description = description;
      this.width = width;
      this.secret = secret;
    }

    /** How messages name the field, e.g. "read access key id". */
    public String description() {
      return description;
    }

    /** Characters the field occupies; a longer value cannot be published. */
    public int width() {
      return width;
    }

    /**
     * Why {@code value} (stripped as the reference strips it) cannot be published in this field,
     * phrased to follow the field's name ("has 70 characters; at most 64 fit …") and never quoting
     * the value; empty when it can.
     */
    public Optional<String> problemWith(String value) {
      String stripped = PythonText.strip(Objects.requireNonNull(value, description));
      if (stripped.isEmpty()) {
        return Optional.of("is empty; set it to the bucket's read credential");
      }
      for (int i = 0; i < stripped.length(); i++) {
        char c = stripped.charAt(i);
        if (c < 0x20 || c > 0x7e) {
          return Optional.of("contains a non-printable or non-ASCII character; the on-chain commitment is "
              + LENGTH + " ASCII bytes");
        }
      }
      if (stripped.length() > width) {
        return Optional.of("has " + stripped.length() + " characters; at most " + width
            + " fit in the on-chain commitment, and a truncated credential would not work");
      }
      return Optional.empty();
    }
  }

  private final String accountId;
  private final String accessKeyId;
  private final String secretAccessKey;

  private ReadCredentialCommitment(String accountId, String accessKeyId, String secretAccessKey) {
    this.accountId = accountId;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
  }

  /**
   * A commitment for these read credentials (each stripped of surrounding whitespace first, as the
   * reference's settings model does).
   *
   * @throws IllegalArgumentException naming the field (never its secret value) when it cannot be published
   */
  public static ReadCredentialCommitment of(String accountId, String readAccessKeyId, String readSecretAccessKey) {
    return new ReadCredentialCommitment(
        checked(Field.ACCOUNT_ID, accountId),
        checked(Field.ACCESS_KEY_ID, readAccessKeyId),
        checked(Field.SECRET_ACCESS_KEY, readSecretAccessKey));
  }

  /** The 128 characters committed on chain. */
  public String text() {
    return pad(accountId, Field.ACCOUNT_ID) + pad(accessKeyId, Field.ACCESS_KEY_ID) + pad(secretAccessKey, Field.SECRET_ACCESS_KEY);
  }

  /** The 128 bytes of the {@code Raw128} commitment field. */
  public byte[] bytes() {
    return text().getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads raw commitment bytes as validators do; empty when they would skip the miner. */
  public static Optional<ReadCredentialCommitment> parse(byte[] raw) {
    Objects.requireNonNull(raw, "raw");
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException malformed) {
      return Optional.empty();
    }
    return parse(text);
  }

  /** Reads a decoded commitment string as validators do; empty when they would skip the miner. */
  public static Optional<ReadCredentialCommitment> parse(String text) {
    if (PythonText.length(text) != LENGTH) {
      return Optional.empty();
    }
    int keyStart = Field.ACCOUNT_ID.width();
    int secretStart = keyStart + Field.ACCESS_KEY_ID.width();
    String account = PythonText.strip(PythonText.slice(text, 0, keyStart));
    String key = PythonText.strip(PythonText.slice(text, keyStart, secretStart));
    String secret = PythonText.strip(PythonText.slice(text, secretStart, LENGTH));
    if (account.isEmpty() || key.isEmpty() || secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ReadCredentialCommitment(account, key, secret));
  }

  /** The account id, which is also the bucket name. */
  public String accountId() {
    return accountId;
  }

  /** The bucket name readers use: the account id. */
  public String bucketName() {
    return accountId;
  }

  public String accessKeyId() {
    return accessKeyId;
  }

  /** The read secret. Public on chain by design, but kept out of logs like every secret. */
  public String secretAccessKey() {
    return secretAccessKey;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReadCredentialCommitment that
        && accountId.equals(that.accountId)
        && accessKeyId.equals(that.accessKeyId)
        && secretAccessKey.equals(that.secretAccessKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accountId, accessKeyId, secretAccessKey);
  }

  @Override
  public String toString() {
    return "ReadCredentialCommitment[accountId=" + accountId + ", accessKeyId=" + accessKeyId + ", secret=<redacted>]";
  }

  private static String checked(Field field, String value) {
    Optional<String> problem = field.problemWith(value);
    if (problem.isPresent()) {
      String stripped = PythonText.strip(value);
      String shown = field.secret || stripped.isEmpty() ? "" : " ('" + stripped + "')";
      throw new IllegalArgumentException("the " + field.description() + shown + " " + problem.get());
    }
    return PythonText.strip(value);
  }

  private static String pad(String value, Field field) {
    return value + " ".repeat(field.width() - value.length());
  }
}
