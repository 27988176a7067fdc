package dev.quarry.grail.protocol;

import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The validators' weights ({@code WeightComputer.compute_weights}) over the last
 * {@code rollingWindows} windows. Per miner: zero if never active, if any window in range had a
 * failure, or if never checked; otherwise
 * {@code U = Σ estimated_unique(checked windows) · active / checked}, score
 * {@code min(U, cap · windows)^4}, relative to {@code (cap · windows)^4}. If the relative scores sum
 * above 1 they are normalised; miners share {@code (1 − burn) · min(1, Σ)} and the burn UID gets the
 * rest. Successful (correct) answers do not enter; only unique valid completions count.
 */
public final class Weights {

  /**
   * A checked window's metrics for one miner.
   *
   * @param estimatedUnique the validator's estimate of unique valid completions
   * @param hadFailure whether any hard check failed that window
   */
  public record WindowMetrics(long estimatedUnique, boolean hadFailure) {}

  /**
   * One metagraph entry's history.
   *
   * @param hotkey the miner's hotkey
   * @param uid its UID
   * @param activeWindows windows in the rolling availability history where it had a file
   * @param checkedWindows metrics per window start, for windows where it was checked
   */
  public record MinerHistory(String hotkey, int uid, int activeWindows, Map<Long, WindowMetrics> checkedWindows) {
    public MinerHistory {
      Objects.requireNonNull(hotkey, "hotkey");
      checkedWindows = Map.copyOf(checkedWindows);
    }
  }

  /**
   * @param weights one weight per metagraph entry, in the order given
   * @param nonZero indices (into the metagraph order) whose weight is positive and that scored or are the burn UID
   */
  public record Result(double[] weights, List<Integer> nonZero) {}

  private final ProtocolParameters.Incentive incentive;
  private final int windowLength;

  public Weights(ProtocolParameters parameters) {
    this.incentive = parameters.incentive();
    this.windowLength = parameters.windows().windowLength();
  }

  public static Weights v5() {
    return new Weights(ProtocolParameters.v5());
  }

  /** Weights for the metagraph in the given order at validator target window {@code targetWindow}. */
  public Result compute(List<MinerHistory> metagraph, long targetWindow) {
    int rolling = incentive.rollingWindows();
    long firstWindow = Math.max(0, targetWindow - (long) (rolling - 1) * windowLength);
    List<Long> recentWindows = new ArrayList<>();
    for (long window = firstWindow; window < targetWindow + 1; window += windowLength) {
      recentWindows.add(window);
    }
    long periodCap = (long) incentive.uniqueRolloutsCap() * rolling;
    int n = metagraph.size();
    double[] raw = new double[n];
    for (int i = 0; i < n; i++) {
      raw[i] = rawScore(metagraph.get(i), recentWindows, periodCap);
    }

    double[] capRelative = new double[n];
    double totalCapRelative;
    if (incentive.uniqueRolloutsCapEnabled()) {
      double maxScore = power((double) periodCap);
      for (int i = 0; i < n; i++) {
        capRelative[i] = raw[i] / maxScore;
      }
      totalCapRelative = PythonFloats.fsum(capRelative);
    } else {
      double totalRaw = PythonFloats.fsum(raw);
      for (int i = 0; i < n; i++) {
        capRelative[i] = totalRaw > 0 ? raw[i] / totalRaw : 0.0;
      }
      totalCapRelative = 1.0;
    }
    double[] preBurn = new double[n];
    for (int i = 0; i < n; i++) {
      preBurn[i] = totalCapRelative > 1.0 ? capRelative[i] / totalCapRelative : capRelative[i];
    }
    List<Integer> scored = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (preBurn[i] > 0.0) {
        scored.add(i);
      }
    }
    int burnIndex = -1;
    for (int i = 0; i < n; i++) {
      if (metagraph.get(i).uid() == incentive.burnUid()) {
        burnIndex = i;
        break;
      }
    }
    double[] weights = applyBurn(preBurn, burnIndex, totalCapRelative);
    List<Integer> nonZero = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if ((scored.contains(i) || i == burnIndex) && weights[i] > 0.0) {
        nonZero.add(i);
      }
    }
    return new Result(weights, nonZero);
  }

  private double rawScore(MinerHistory miner, List<Long> recentWindows, long periodCap) {
    if (miner.activeWindows() == 0) {
      return 0.0;
    }
    for (long window : recentWindows) {
      WindowMetrics metrics = miner.checkedWindows().get(window);
      if (metrics != null && metrics.hadFailure()) {
        return 0.0;
      }
    }
    long uniqueChecked = 0;
    int checked = 0;
    for (long window : recentWindows) {
      WindowMetrics metrics = miner.checkedWindows().get(window);
      if (metrics != null) {
        checked++;
        uniqueChecked += metrics.estimatedUnique();
      }
    }
    if (checked == 0) {
      return 0.0;
    }
    double extrapolation = (double) miner.activeWindows() / checked;
    double extrapolated = uniqueChecked * extrapolation;
    double capped = incentive.uniqueRolloutsCapEnabled() && periodCap < extrapolated ? periodCap : extrapolated;
    double base = Math.max(0.0, capped);
    return power(base);
  }

  private double power(double base) {
    double exponent = incentive.superlinearExponent();
    if (exponent == Math.rint(exponent) && exponent >= 0 && exponent <= 64) {
      return PythonFloats.powIntegral(base, (int) exponent);
    }
    return Math.pow(base, exponent);
  }

  private double[] applyBurn(double[] preBurn, int burnIndex, double totalCapRelative) {
    if (incentive.burnPercentage() <= 0) {
      throw new IllegalStateException("the burn UID and percentage must be set");
    }
    double burnFraction = Math.max(0.0, Math.min(100.0, incentive.burnPercentage())) / 100.0;
    double remainingFraction = 1.0 - burnFraction;
    if (burnIndex < 0) {
      return preBurn.clone();
    }
    int n = preBurn.length;
    double[] weights = new double[n];
    if (totalCapRelative <= 0.0) {
      weights[burnIndex] = 1.0;
      return weights;
    }
    double effectiveMinerFraction = Math.min(remainingFraction, remainingFraction * totalCapRelative);
    double preBurnSum = PythonFloats.fsum(preBurn);
    if (preBurnSum > 0) {
      double scale = effectiveMinerFraction / preBurnSum;
      for (int i = 0; i < n; i++) {
        weights[i] = i != burnIndex ? preBurn[i] * scale : 0.0;
      }
    }
    double[] others = new double[n - 1];
    for (int i = 0, j = 0; i < n; i++) {
      if (i != burnIndex) {
        others[j++] = weights[i];
      }
    }
    weights[burnIndex] = 1.0 - PythonFloats.fsum(others);
    return weights;
  }
}
