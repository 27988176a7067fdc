package dev.quarry.validator.checks;

import java.util.Arrays;

/**
 * The statistics the reference's validators compute, with the same arithmetic: Python's
 * {@code statistics.median} / numpy's {@code median} (mean of the two middle values for an even
 * count) and numpy's default ("linear") {@code quantile}, including its interpolation from the upper
 * neighbour when the fraction is at least one half.
 */
public final class PythonStatistics {

  private PythonStatistics() {}

  public static double median(double[] values) {
    requireValues(values);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    if (n % 2 == 1) {
      return sorted[n / 2];
    }
    return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** {@code numpy.quantile(values, q)} with the default linear method. */
  public static double quantile(double[] values, double q) {
    requireValues(values);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double virtual = (n - 1) * q;
    if (virtual >= n - 1) {
      return sorted[n - 1];
    }
    if (virtual < 0) {
      return sorted[0];
    }
    int previous = (int) Math.floor(virtual);
    double gamma = virtual - previous;
    double below = sorted[previous];
    double above = sorted[previous + 1];
    double difference = above - below;
    if (gamma >= 0.5) {
      return above - difference * (1 - gamma);
    }
    return below + difference * gamma;
  }

  public static double min(double[] values) {
    requireValues(values);
    double min = Double.POSITIVE_INFINITY;
    for (double value : values) {
      if (Double.isNaN(value)) {
        return Double.NaN;
      }
      min = Math.min(min, value);
    }
    return min;
  }

  /** Python's {@code math.isclose(a, b, rel_tol=..., abs_tol=...)}. */
  public static boolean isClose(double a, double b, double relativeTolerance, double absoluteTolerance) {
    if (a == b) {
      return true;
    }
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      return false;
    }
    double difference = Math.abs(b - a);
    return difference <= Math.abs(relativeTolerance * b) || difference <= Math.abs(relativeTolerance * a)
        || difference <= absoluteTolerance;
  }

  private static void requireValues(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
  }
}
