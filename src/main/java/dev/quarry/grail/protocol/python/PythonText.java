package dev.quarry.grail.protocol.python;

import java.util.Comparator;
import java.util.Locale;

/**
 * Python {@code str} rules that differ from Java's: what counts as whitespace ({@code str.isspace},
 * which is also what {@code \s} matches in a Python regex), {@code strip()}, lengths in code points
 * rather than UTF-16 units, and regex fragments that make a {@link java.util.regex.Pattern} behave
 * like Python's {@code re} for the constructs the reference uses.
 */
public final class PythonText {

  /** The members of Python's {@code \s} as the inside of a regex character class. */
  public static final String WHITESPACE_CHARS =
      "\\t\\n\\x0B\\f\\r\\x1C-\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

  /** A character class matching exactly Python's {@code \s} / {@code str.isspace()}. */
  public static final String WHITESPACE_CLASS = "[" + WHITESPACE_CHARS + "]";

  /** Python's {@code \d} for str patterns: any Unicode decimal digit. */
  public static final String DIGIT_CLASS = "\\p{Nd}";

  /**
   * Python's order for {@code str} ({@code sorted()}, {@code sort_keys=True}): by code point. Java's
   * {@link String#compareTo} compares UTF-16 units, which differs above U+FFFF.
   */
  public static final Comparator<String> ORDER = PythonText::compare;

  private PythonText() {}

  /** {@code left < right} as Python compares str: negative, zero or positive. */
  public static int compare(String left, String right) {
    int i = 0;
    int j = 0;
    while (i < left.length() && j < right.length()) {
      int a = left.codePointAt(i);
      int b = right.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Integer.compare(left.length() - i, right.length() - j);
  }

  /** {@code chr(codePoint).isspace()}. */
  public static boolean isSpace(int codePoint) {
    switch (codePoint) {
      case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
      case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x20:
      case 0x85: case 0xA0: case 0x1680:
      case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
        return true;
      default:
        return codePoint >= 0x2000 && codePoint <= 0x200A;
    }
  }

  /** {@code text.strip()}. */
  public static String strip(String text) {
    int start = 0;
    int end = text.length();
    while (start < end) {
      int codePoint = text.codePointAt(start);
      if (!isSpace(codePoint)) {
        break;
      }
      start += Character.charCount(codePoint);
    }
    while (end > start) {
      int codePoint = text.codePointBefore(end);
      if (!isSpace(codePoint)) {
        break;
      }
      end -= Character.charCount(codePoint);
    }
    return text.substring(start, end);
  }

  /** {@code len(text)}: the number of code points. */
  public static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  /** {@code len(text) - end} for a Java (UTF-16) index {@code end}: code points after it. */
  public static int codePointsAfter(String text, int end) {
    return text.codePointCount(end, text.length());
  }

  /** {@code text.lower()} (full Unicode lower-casing, locale independent). */
  public static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  /** {@code text[:count]} in code points. */
  public static String prefix(String text, int count) {
    if (count <= 0) {
      return "";
    }
    int codePoints = length(text);
    if (count >= codePoints) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, count));
  }

  /** {@code text[start:end]} in code points, indices clamped like Python slicing. */
  public static String slice(String text, int start, int end) {
    int codePoints = length(text);
    int from = Math.max(0, Math.min(start, codePoints));
    int to = Math.max(from, Math.min(end, codePoints));
    return text.substring(text.offsetByCodePoints(0, from), text.offsetByCodePoints(0, to));
  }
}
