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

  private static final int ACCOUNT_WIDTH = 32;
  private static final int KEY_WIDTH = 32;
  private static final int SECRET_WIDTH = 64;

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
        field("account id", accountId, ACCOUNT_WIDTH, true),
        field("read access key id", readAccessKeyId, KEY_WIDTH, true),
        field("read secret access key", readSecretAccessKey, SECRET_WIDTH, false));
  }

  /** The 128 characters committed on chain. */
  public String text() {
    return pad(accountId, ACCOUNT_WIDTH) + pad(accessKeyId, KEY_WIDTH) + pad(secretAccessKey, SECRET_WIDTH);
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
    String account = PythonText.strip(PythonText.slice(text, 0, ACCOUNT_WIDTH));
    String key = PythonText.strip(PythonText.slice(text, ACCOUNT_WIDTH, ACCOUNT_WIDTH + KEY_WIDTH));
    String secret = PythonText.strip(PythonText.slice(text, ACCOUNT_WIDTH + KEY_WIDTH, LENGTH));
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

  private static String field(String name, String value, int width, boolean echoValue) {
    Objects.requireNonNull(value, name);
    String stripped = PythonText.strip(value);
    String shown = echoValue ? " ('" + stripped + "')" : "";
    if (stripped.isEmpty()) {
      throw new IllegalArgumentException("the " + name + " is empty; set it to the bucket's read credential");
    }
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("the " + name + shown + " contains a non-printable or non-ASCII character; "
            + "the on-chain commitment is 128 ASCII bytes");
      }
    }
    if (stripped.length() > width) {
      throw new IllegalArgumentException("the " + name + shown + " has " + stripped.length() + " characters, more than the "
          + width + " the on-chain commitment holds; a truncated credential would not work");
    }
    return stripped;
  }

  private static String pad(String value, int width) {
    return value + " ".repeat(width - value.length());
  }
}
