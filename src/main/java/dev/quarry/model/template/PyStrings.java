package dev.quarry.model.template;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Python {@code str} behaviour that templates rely on: what counts as whitespace, the strip and
 * split family, string-literal escapes, {@code repr()} of strings and floats. Python strings are
 * sequences of code points, so lengths and slices here count code points, not UTF-16 units.
 */
final class PyStrings {

  private PyStrings() {}

  /** Python's {@code str.isspace()} set: bidi classes WS, B, S and category Zs. */
  static boolean isWhitespace(int codePoint) {
    return switch (codePoint) {
      case '\t', '\n', 0x0B, 0x0C, '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F,
          0x205F, 0x3000 -> true;
      default -> codePoint >= 0x2000 && codePoint <= 0x200A;
    };
  }

  static boolean isAllWhitespace(String text) {
    return !text.isEmpty() && text.codePoints().allMatch(PyStrings::isWhitespace);
  }

  private static boolean inSet(int codePoint, String chars) {
    return chars == null ? isWhitespace(codePoint) : chars.indexOf(Character.toString(codePoint)) >= 0;
  }

  static String strip(String text, String chars) {
    return rstrip(lstrip(text, chars), chars);
  }

  static String lstrip(String text, String chars) {
    int index = 0;
    while (index < text.length()) {
      int codePoint = text.codePointAt(index);
      if (!inSet(codePoint, chars)) {
        break;
      }
      index += Character.charCount(codePoint);
    }
    return text.substring(index);
  }

  static String rstrip(String text, String chars) {
    int end = text.length();
    while (end > 0) {
      int codePoint = text.codePointBefore(end);
      if (!inSet(codePoint, chars)) {
        break;
      }
      end -= Character.charCount(codePoint);
    }
    return text.substring(0, end);
  }

  /** {@code str.split(sep, maxsplit)}; a null separator splits on whitespace runs and drops empties. */
  static List<Object> split(String text, String separator, long maxSplit) {
    List<Object> parts = new ArrayList<>();
    if (separator == null) {
      int index = 0;
      int length = text.length();
      while (true) {
        while (index < length && isWhitespace(text.codePointAt(index))) {
          index += Character.charCount(text.codePointAt(index));
        }
        if (index >= length) {
          break;
        }
        if (maxSplit >= 0 && parts.size() >= maxSplit) {
          parts.add(rstrip(text.substring(index), null));
          break;
        }
        int start = index;
        while (index < length && !isWhitespace(text.codePointAt(index))) {
          index += Character.charCount(text.codePointAt(index));
        }
        parts.add(text.substring(start, index));
      }
      return parts;
    }
    if (separator.isEmpty()) {
      throw new TemplateException("ValueError: empty separator");
    }
    int start = 0;
    while (maxSplit < 0 || parts.size() < maxSplit) {
      int found = text.indexOf(separator, start);
      if (found < 0) {
        break;
      }
      parts.add(text.substring(start, found));
      start = found + separator.length();
    }
    parts.add(text.substring(start));
    return parts;
  }

  /** {@code str.rsplit(sep, maxsplit)}. */
  static List<Object> rsplit(String text, String separator, long maxSplit) {
    if (maxSplit < 0) {
      return split(text, separator, maxSplit);
    }
    List<Object> parts = new ArrayList<>();
    if (separator == null) {
      int end = text.length();
      while (true) {
        while (end > 0 && isWhitespace(text.codePointBefore(end))) {
          end -= Character.charCount(text.codePointBefore(end));
        }
        if (end <= 0) {
          break;
        }
        if (parts.size() >= maxSplit) {
          parts.add(0, lstrip(text.substring(0, end), null));
          break;
        }
        int stop = end;
        while (end > 0 && !isWhitespace(text.codePointBefore(end))) {
          end -= Character.charCount(text.codePointBefore(end));
        }
        parts.add(0, text.substring(end, stop));
      }
      return parts;
    }
    if (separator.isEmpty()) {
      throw new TemplateException("ValueError: empty separator");
    }
    int end = text.length();
    while (parts.size() < maxSplit) {
      int found = text.lastIndexOf(separator, end - separator.length());
      if (found < 0) {
        break;
      }
      parts.add(0, text.substring(found + separator.length(), end));
      end = found;
    }
    parts.add(0, text.substring(0, end));
    return parts;
  }

  static long length(String text) {
    return text.codePointCount(0, text.length());
  }

  /** Python string literal escapes (what Jinja2 applies to quoted strings). */
  static String unescape(String raw) {
    if (raw.indexOf('\\') < 0) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    int index = 0;
    while (index < raw.length()) {
      char current = raw.charAt(index);
      if (current != '\\' || index + 1 >= raw.length()) {
        out.append(current);
        index++;
        continue;
      }
      char escape = raw.charAt(index + 1);
      index += 2;
      switch (escape) {
        case '\n' -> { }
        case '\\' -> out.append('\\');
        case '\'' -> out.append('\'');
        case '"' -> out.append('"');
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'v' -> out.append('\u000B');
        case 'x', 'u', 'U' -> {
          int digits = escape == 'x' ? 2 : escape == 'u' ? 4 : 8;
          if (index + digits > raw.length()) {
            throw new TemplateException("truncated \\" + escape + " escape in string literal");
          }
          int codePoint = Integer.parseInt(raw.substring(index, index + digits), 16);
          out.appendCodePoint(codePoint);
          index += digits;
        }
        default -> {
          if (escape >= '0' && escape <= '7') {
            int end = index - 1;
            while (end < raw.length() && end < index + 2 && raw.charAt(end) >= '0' && raw.charAt(end) <= '7') {
              end++;
            }
            out.appendCodePoint(Integer.parseInt(raw.substring(index - 1, end), 8));
            index = end;
          } else {
            out.append('\\').append(escape);
          }
        }
      }
    }
    return out.toString();
  }

  /** Python {@code repr(str)}: single quotes unless the text has ' and no ". */
  static String repr(String text) {
    char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder(text.length() + 2).append(quote);
    text.codePoints().forEach(codePoint -> {
      switch (codePoint) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (codePoint == quote) {
            out.append('\\').append((char) codePoint);
          } else if (codePoint < 0x20 || codePoint == 0x7F) {
            out.append(String.format("\\x%02x", codePoint));
          } else if (!isPrintable(codePoint)) {
            out.append(codePoint <= 0xFF ? String.format("\\x%02x", codePoint)
                : codePoint <= 0xFFFF ? String.format("\\u%04x", codePoint) : String.format("\\U%08x", codePoint));
          } else {
            out.appendCodePoint(codePoint);
          }
        }
      }
    });
    return out.append(quote).toString();
  }

  /** Python's notion of printable: not a control, format, separator (other than space) or unassigned. */
  private static boolean isPrintable(int codePoint) {
    if (codePoint == ' ') {
      return true;
    }
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }

  /**
   * Python {@code repr(float)}: the shortest digits that round-trip, fixed notation for exponents
   * from -4 to 15, otherwise {@code d.ddde+XX}; integral values keep a trailing {@code .0}.
   */
  static String reprFloat(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return (1 / value < 0) ? "-0.0" : "0.0";
    }
    BigDecimal decimal = shortestRoundTrip(value);
    String digits = decimal.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - decimal.scale();
    String sign = value < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
          + Math.abs(exponent);
    }
    String plain = decimal.abs().toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }

  /**
   * The fewest significant digits that read back as the same double, closest to the exact value
   * (what Python's repr prints). Computed directly because JDK 17's Double.toString is not always
   * shortest (fixed only in JDK 19).
   */
  private static BigDecimal shortestRoundTrip(double value) {
    BigDecimal exact = new BigDecimal(value);
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == value) {
        return candidate.stripTrailingZeros();
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }
}
