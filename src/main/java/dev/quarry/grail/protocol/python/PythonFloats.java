package dev.quarry.grail.protocol.python;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * Python float semantics where the reference's results depend on them: {@code repr(x)} (shortest
 * round-tripping digits, Python's layout), CPython 3.12's compensated builtin {@code sum()},
 * {@code math.fsum}, and the text accepted by {@code float(s)}.
 */
public final class PythonFloats {

  private PythonFloats() {}

  /**
   * {@code repr(x)}: the shortest decimal that reads back as {@code x} (closest to {@code x} when
   * several are equally short), written positionally when the decimal exponent is in [-4, 16) and
   * as {@code d.ddde±XX} otherwise; integral values keep a trailing {@code .0}.
   */
  public static String repr(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0.0) {
      return (Double.doubleToRawLongBits(value) < 0) ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortestRoundTrip(Math.abs(value));
    String digits = shortest.unscaledValue().toString();
    // Strip trailing zeros from the digit string, tracking the decimal exponent.
    int trailing = 0;
    while (digits.length() - trailing > 1 && digits.charAt(digits.length() - 1 - trailing) == '0') {
      trailing++;
    }
    digits = digits.substring(0, digits.length() - trailing);
    // value = 0.d1d2...dn * 10^decimalPoint
    int decimalPoint = digits.length() - shortest.scale() + trailing;
    StringBuilder out = new StringBuilder(24);
    if (value < 0) {
      out.append('-');
    }
    if (decimalPoint > -4 && decimalPoint <= 16) {
      if (decimalPoint <= 0) {
        out.append("0.");
        out.append("0".repeat(-decimalPoint));
        out.append(digits);
      } else if (decimalPoint >= digits.length()) {
        out.append(digits);
        out.append("0".repeat(decimalPoint - digits.length()));
        out.append(".0");
      } else {
        out.append(digits, 0, decimalPoint);
        out.append('.');
        out.append(digits, decimalPoint, digits.length());
      }
    } else {
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.');
        out.append(digits, 1, digits.length());
      }
      int exponent = decimalPoint - 1;
      out.append('e');
      out.append(exponent < 0 ? '-' : '+');
      int magnitude = Math.abs(exponent);
      if (magnitude < 10) {
        out.append('0');
      }
      out.append(magnitude);
    }
    return out.toString();
  }

  /**
   * The shortest decimal reading back as {@code positive}; among equally short candidates the one
   * nearest the exact binary value (David Gay's mode 0, which CPython's repr uses).
   */
  private static BigDecimal shortestRoundTrip(double positive) {
    BigDecimal exact = new BigDecimal(positive);
    int low = 1;
    int high = 17;
    // Round-half-even at p digits is the nearest p-digit decimal; if it does not read back, no
    // p-digit decimal nearer than it does either, except on the narrow side of a power of two,
    // which the floor/ceiling check below covers.
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (readsBack(exact.round(new MathContext(middle, RoundingMode.HALF_EVEN)), positive)) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    BigDecimal best = exact.round(new MathContext(low, RoundingMode.HALF_EVEN));
    if (low > 1) {
      int shorter = low - 1;
      BigDecimal floor = exact.round(new MathContext(shorter, RoundingMode.FLOOR));
      BigDecimal ceiling = exact.round(new MathContext(shorter, RoundingMode.CEILING));
      boolean floorOk = readsBack(floor, positive);
      boolean ceilingOk = readsBack(ceiling, positive);
      if (floorOk && ceilingOk) {
        return exact.subtract(floor).compareTo(ceiling.subtract(exact)) <= 0 ? floor : ceiling;
      }
      if (floorOk) {
        return floor;
      }
      if (ceilingOk) {
        return ceiling;
      }
    }
    return best;
  }

  private static boolean readsBack(BigDecimal candidate, double target) {
    return Double.parseDouble(candidate.toString()) == target;
  }

  /**
   * CPython 3.12+'s builtin {@code sum(values)} over floats (start 0): the first value, then
   * Neumaier-compensated additions, with the compensation added at the end when it is a finite
   * non-zero number.
   */
  public static double sum(double[] values) {
    if (values.length == 0) {
      return 0.0;
    }
    // 0 + x0 in Python yields x0 except that 0 + (-0.0) is 0.0.
    double total = 0.0 + values[0];
    double compensation = 0.0;
    for (int i = 1; i < values.length; i++) {
      double x = values[i];
      double t = total + x;
      if (Math.abs(total) >= Math.abs(x)) {
        compensation += (total - t) + x;
      } else {
        compensation += (x - t) + total;
      }
      total = t;
    }
    if (compensation != 0.0 && Double.isFinite(compensation)) {
      total += compensation;
    }
    return total;
  }

  /**
   * {@code math.fsum(values)} for finite inputs: the exactly rounded sum. (Inputs containing inf
   * or NaN follow IEEE addition, which matches fsum except for its overflow error.)
   */
  public static double fsum(double[] values) {
    BigDecimal exact = BigDecimal.ZERO;
    for (double value : values) {
      if (!Double.isFinite(value)) {
        double plain = 0.0;
        for (double v : values) {
          plain += v;
        }
        return plain;
      }
      exact = exact.add(new BigDecimal(value));
    }
    return exact.doubleValue();
  }

  /** {@code x ** e} for a non-negative integral exponent, exactly rounded. */
  public static double powIntegral(double base, int exponent) {
    if (exponent < 0) {
      throw new IllegalArgumentException("exponent must be non-negative");
    }
    if (!Double.isFinite(base)) {
      return Math.pow(base, exponent);
    }
    return new BigDecimal(base).pow(exponent).doubleValue();
  }

  private static final Pattern PYTHON_FLOAT =
      Pattern.compile(
          "[+-]?(?:(?:(?:\\d(?:_?\\d)*)?\\.\\d(?:_?\\d)*|\\d(?:_?\\d)*\\.?)(?:[eE][+-]?\\d(?:_?\\d)*)?"
              + "|(?i:inf|infinity|nan))");

  /**
   * {@code float(text)}: Python's float literal syntax (underscores between digits, {@code inf},
   * {@code infinity}, {@code nan} in any case, any Unicode decimal digits, surrounding whitespace),
   * or {@code null} where Python raises {@code ValueError}.
   */
  public static Double parse(String text) {
    String trimmed = PythonText.strip(text);
    StringBuilder ascii = new StringBuilder(trimmed.length());
    for (int offset = 0; offset < trimmed.length(); ) {
      int codePoint = trimmed.codePointAt(offset);
      offset += Character.charCount(codePoint);
      if (Character.getType(codePoint) == Character.DECIMAL_DIGIT_NUMBER) {
        ascii.append((char) ('0' + Character.digit(codePoint, 10)));
      } else if (codePoint > 0x7f) {
        return null;
      } else {
        ascii.appendCodePoint(codePoint);
      }
    }
    String candidate = ascii.toString();
    if (!PYTHON_FLOAT.matcher(candidate).matches()) {
      return null;
    }
    String lower = candidate.toLowerCase(java.util.Locale.ROOT);
    String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    boolean negative = lower.startsWith("-");
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    return Double.parseDouble(candidate.replace("_", ""));
  }
}
