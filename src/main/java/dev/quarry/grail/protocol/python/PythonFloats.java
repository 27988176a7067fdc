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
    Digits shortest = shortestDigits(Math.abs(value));
    String digits = shortest.digits();
    // value = 0.d1d2...dn * 10^decimalPoint
    int decimalPoint = shortest.decimalPoint();
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
   * Significant digits without leading or trailing zeros, and the decimal point position:
   * value = 0.digits × 10^decimalPoint.
   */
  record Digits(String digits, int decimalPoint) {}

  /**
   * The shortest round-tripping digits, nearest the exact value. Computed with the Schubfach
   * algorithm shipped in jackson-core (the one JDK 19+ uses for Double.toString; JDK 17's is not
   * always shortest); {@link #shortestDigitsByDefinition} is the slow reference it is tested against.
   */
  static Digits shortestDigits(double positive) {
    String text = com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal.toString(positive);
    int exponentAt = text.indexOf('E');
    String mantissa = exponentAt < 0 ? text : text.substring(0, exponentAt);
    int exponent = exponentAt < 0 ? 0 : Integer.parseInt(text.substring(exponentAt + 1));
    int point = mantissa.indexOf('.');
    String integerPart = point < 0 ? mantissa : mantissa.substring(0, point);
    String all = integerPart + (point < 0 ? "" : mantissa.substring(point + 1));
    int decimalPoint = integerPart.length() + exponent;
    int start = 0;
    while (start < all.length() - 1 && all.charAt(start) == '0') {
      start++;
      decimalPoint--;
    }
    int end = all.length();
    while (end > start + 1 && all.charAt(end - 1) == '0') {
      end--;
    }
    if (end - start == 2) {
      // Java's format insists on two significant digits where one would do (4.9E-324 for 5e-324),
      // so two-digit results are settled by the definition.
      return shortestDigitsByDefinition(positive);
    }
    return new Digits(all.substring(start, end), decimalPoint);
  }

  /** The same digits from the definition (BigDecimal search); slow, kept to test the fast path. */
  static Digits shortestDigitsByDefinition(double positive) {
    BigDecimal shortest = shortestRoundTrip(positive);
    String digits = shortest.unscaledValue().toString();
    int trailing = 0;
    while (digits.length() - trailing > 1 && digits.charAt(digits.length() - 1 - trailing) == '0') {
      trailing++;
    }
    return new Digits(digits.substring(0, digits.length() - trailing), digits.length() - shortest.scale());
  }

  private static final MathContext[] HALF_EVEN = new MathContext[18];
  private static final MathContext[] FLOOR = new MathContext[18];
  private static final MathContext[] CEILING = new MathContext[18];
  private static final BigDecimal TWO = BigDecimal.valueOf(2);

  static {
    for (int p = 1; p < 18; p++) {
      HALF_EVEN[p] = new MathContext(p, RoundingMode.HALF_EVEN);
      FLOOR[p] = new MathContext(p, RoundingMode.FLOOR);
      CEILING[p] = new MathContext(p, RoundingMode.CEILING);
    }
  }

  /**
   * The shortest decimal reading back as {@code positive}; among equally short candidates the one
   * nearest the exact binary value (David Gay's mode 0, which CPython's repr uses). A decimal reads
   * back as {@code positive} exactly when it lies strictly between the midpoints to the neighbouring
   * doubles, or on one of them when the significand is even (round half to even).
   */
  private static BigDecimal shortestRoundTrip(double positive) {
    BigDecimal exact = new BigDecimal(positive);
    BigDecimal below = exact.add(new BigDecimal(Math.nextDown(positive))).divide(TWO);
    double up = Math.nextUp(positive);
    BigDecimal above = Double.isInfinite(up)
        ? exact.add(exact.subtract(new BigDecimal(Math.nextDown(positive)))).subtract(exact.subtract(below))
        : exact.add(new BigDecimal(up)).divide(TWO);
    boolean evenSignificand = (Double.doubleToRawLongBits(positive) & 1L) == 0;
    Interval interval = new Interval(below, above, evenSignificand);
    int low = 1;
    int high = 17;
    // Round-half-even at p digits is the nearest p-digit decimal; if it does not read back, no
    // p-digit decimal does either, except on the narrow side of a power of two, which the
    // floor/ceiling check below covers.
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (interval.contains(exact.round(HALF_EVEN[middle]))) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    BigDecimal best = exact.round(HALF_EVEN[low]);
    if (low > 1) {
      int shorter = low - 1;
      BigDecimal floor = exact.round(FLOOR[shorter]);
      BigDecimal ceiling = exact.round(CEILING[shorter]);
      boolean floorOk = interval.contains(floor);
      boolean ceilingOk = interval.contains(ceiling);
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

  /** The decimals that parse back to one double: between the midpoints to its neighbours. */
  private record Interval(BigDecimal below, BigDecimal above, boolean inclusive) {
    boolean contains(BigDecimal candidate) {
      int lower = candidate.compareTo(below);
      int upper = candidate.compareTo(above);
      return inclusive ? lower >= 0 && upper <= 0 : lower > 0 && upper < 0;
    }
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
