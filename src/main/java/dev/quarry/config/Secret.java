package dev.quarry.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (write keys, the read secret, a wallet password). Its {@code toString} and JSON form
 * are always {@value #REDACTED}, so a secret inside a record, a log line, a status document or an
 * exception message prints as the placeholder. Code that really needs the value calls
 * {@link #reveal()}, which makes every use easy to find in review.
 *
 * <p>Not {@link java.io.Serializable} on purpose: a secret must not travel in an actor message or be
 * written by a generic serializer. Equality compares values in constant time.
 */
public final class Secret {

  /** What a secret looks like everywhere it is printed. */
  public static final String REDACTED = "<redacted>";

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps a value; {@code null} is rejected so a missing secret is visible where it is loaded. */
  public static Secret of(String value) {
    return new Secret(Objects.requireNonNull(value, "secret value"));
  }

  /** The plain value. Call it only where the value leaves the process by design (signing, S3 auth). */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  /** The length in characters, safe to report ("expected at most 64 characters, got 70"). */
  public int length() {
    return value.length();
  }

  @JsonValue
  @Override
  public String toString() {
    return REDACTED;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    // A constant keeps hash-based collections working without leaking anything about the value.
    return 0x5ec12e7;
  }
}
