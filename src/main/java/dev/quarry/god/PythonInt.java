package dev.quarry.god;

import dev.quarry.grail.protocol.python.PythonText;
import java.math.BigInteger;
import java.util.Optional;

/**
 * Python's {@code int(text)} for base 10, which Fiber uses on nonces and on {@code
 * MIN_STAKE_THRESHOLD}: surrounding whitespace ignored, an optional sign, decimal digits with single
 * underscores between them, and (Python 3.11+) at most 4300 digits.
 */
final class PythonInt {

  /** CPython's default {@code sys.get_int_max_str_digits()}. */
  static final int MAX_DIGITS = 4300;

  private PythonInt() {}

  /** The value, or empty where Python raises {@code ValueError}. */
  static Optional<BigInteger> parse(String text) {
    String body = PythonText.strip(text);
    int at = 0;
    boolean negative = false;
    if (at < body.length() && (body.charAt(at) == '+' || body.charAt(at) == '-')) {
      negative = body.charAt(at) == '-';
      at++;
    }
    StringBuilder digits = new StringBuilder();
    boolean lastWasDigit = false;
    while (at < body.length()) {
      int codePoint = body.codePointAt(at);
      at += Character.charCount(codePoint);
      if (codePoint == '_') {
        if (!lastWasDigit) {
          return Optional.empty();
        }
        lastWasDigit = false;
        continue;
      }
      if (Character.getType(codePoint) != Character.DECIMAL_DIGIT_NUMBER) {
        return Optional.empty();
      }
      digits.append((char) ('0' + Character.digit(codePoint, 10)));
      lastWasDigit = true;
    }
    if (digits.length() == 0 || !lastWasDigit || digits.length() > MAX_DIGITS) {
      return Optional.empty();
    }
    BigInteger value = new BigInteger(digits.toString());
    return Optional.of(negative ? value.negate() : value);
  }
}
