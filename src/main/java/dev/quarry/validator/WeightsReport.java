package dev.quarry.validator;

import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The weights a Grail validator would set now ({@code WeightComputer.compute_weights} over the
 * rolling history in {@link ValidatorState}), one entry per metagraph neuron in UID order: the
 * weight, the inputs (windows active and checked, estimated unique rollouts in the checked windows)
 * and why a weight is zero. The burn UID receives what miners do not earn (at least 90 %).
 * {@code ready} is false until 12 windows were processed, the reference's condition for submitting.
 *
 * <p>Quarry does not submit weights (no {@code set_weights} / commit-reveal extrinsic is
 * implemented); this is what would be submitted.
 */
public record WeightsReport(long targetWindow, int windowsProcessed, boolean ready, int burnUid, double burnWeight,
    List<Entry> entries) {

  /**
   * One neuron.
   *
   * @param zeroReason why the weight is zero (null when it is not, or for the burn UID)
   */
  public record Entry(int uid, String hotkey, double weight, int activeWindows, int checkedWindows, long estimatedUnique,
      String zeroReason) {}

  public WeightsReport {
    entries = List.copyOf(entries);
  }

  public static WeightsReport compute(ValidatorState state, List<ChainView.Neuron> neurons, long targetWindow,
      ProtocolParameters parameters) {
    List<Weights.MinerHistory> histories = new ArrayList<>();
    for (ChainView.Neuron neuron : neurons) {
      histories.add(state.history(neuron.hotkey(), neuron.uid()));
    }
    Weights.Result result = new Weights(parameters).compute(histories, targetWindow);
    int windowLength = parameters.windows().windowLength();
    int rolling = parameters.incentive().rollingWindows();
    long firstWindow = Math.max(0, targetWindow - (long) (rolling - 1) * windowLength);
    List<Entry> entries = new ArrayList<>();
    double burnWeight = 0;
    int burnUid = parameters.incentive().burnUid();
    for (int i = 0; i < histories.size(); i++) {
      Weights.MinerHistory history = histories.get(i);
      int checked = 0;
      long unique = 0;
      Long failedWindow = null;
      for (Map.Entry<Long, Weights.WindowMetrics> window : new java.util.TreeMap<>(history.checkedWindows()).entrySet()) {
        if (window.getKey() < firstWindow || window.getKey() > targetWindow) {
          continue;
        }
        checked++;
        unique += window.getValue().estimatedUnique();
        if (window.getValue().hadFailure() && failedWindow == null) {
          failedWindow = window.getKey();
        }
      }
      double weight = result.weights()[i];
      String zeroReason = null;
      if (history.uid() == burnUid) {
        burnWeight = weight;
      } else if (weight == 0.0) {
        if (history.activeWindows() == 0) {
          zeroReason = "no file in the last " + rolling + " windows";
        } else if (failedWindow != null) {
          zeroReason = "failed in window " + failedWindow;
        } else if (checked == 0) {
          zeroReason = "not checked in the last " + rolling + " windows";
        } else {
          zeroReason = "no unique valid rollouts";
        }
      }
      entries.add(new Entry(history.uid(), history.hotkey(), weight, history.activeWindows(), checked, unique, zeroReason));
    }
    return new WeightsReport(targetWindow, state.windowsProcessed(), state.windowsProcessed() >= rolling, burnUid, burnWeight,
        entries);
  }

  /** The UIDs in submission order. */
  public int[] uids() {
    return entries.stream().mapToInt(Entry::uid).toArray();
  }

  /** The weights in submission order. */
  public double[] weights() {
    return entries.stream().mapToDouble(Entry::weight).toArray();
  }
}
