package dev.quarry.storage.window;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a double the way Python's {@code str(float)} does (the reference writes the footer's
 * {@code timestamp} with it): the shortest digits that read back as the same double, in positional
 * notation for decimal exponents -4..15 and {@code 1.5e+16} style otherwise, {@code .0} for whole
 * numbers, and {@code inf}, {@code -inf}, {@code nan}. JDK 17's {@code Double.toString} is neither
 * always shortest nor in Python's layout, hence this.
 */
public final class PythonFloat {

  private PythonFloat() {}

  public static String repr(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return (Double.doubleToRawLongBits(value) < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(value);
    BigDecimal shortest = null;
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == value) {
        shortest = candidate;
        break;
      }
    }
    if (shortest == null) {
      shortest = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }
    String sign = shortest.signum() < 0 ? "-" : "";
    BigDecimal magnitude = shortest.abs().stripTrailingZeros();
    String digits = magnitude.unscaledValue().toString();
    // decimal exponent of the first digit: value = 0.d1d2... * 10^(pointPosition)
    int pointPosition = digits.length() - magnitude.scale();
    int exponent = pointPosition - 1;
    if (exponent < -4 || exponent >= 16) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
          + Math.abs(exponent);
    }
    if (pointPosition <= 0) {
      return sign + "0." + "0".repeat(-pointPosition) + digits;
    }
    if (pointPosition >= digits.length()) {
      return sign + digits + "0".repeat(pointPosition - digits.length()) + ".0";
    }
    return sign + digits.substring(0, pointPosition) + "." + digits.substring(pointPosition);
  }
}
