package dev.quarry.validator;

import dev.quarry.validator.checks.CopycatTracker;
import java.util.Locale;
import java.util.Map;

/** The human-readable form of a {@link WindowReport}: one paragraph per miner, naming the first failing check. */
public final class ReportText {

  private ReportText() {}

  /**
   * @param withRows also list every checked row and its measures
   */
  public static String render(WindowReport report, boolean withRows) {
    StringBuilder out = new StringBuilder();
    out.append("window ").append(report.window()).append(" (").append(report.mode()).append(')');
    if (report.skipped() != null) {
      out.append(": not validated: ").append(report.skipped()).append('\n');
      return out.toString();
    }
    if (report.checkpointWindow() != null) {
      out.append(", checkpoint ").append(report.checkpointWindow());
    }
    if (report.environmentId() != null) {
      out.append(", environment ").append(report.environmentId());
    }
    out.append('\n');
    if (report.windowBlockHash() != null) {
      out.append("  block hash ").append(report.windowBlockHash()).append('\n');
    }
    if (report.challengeRandomness() != null) {
      out.append("  challenge randomness ").append(report.challengeRandomness()).append(" = ").append(report.challengeSource())
          .append('\n');
    }
    if (report.deadline() != null) {
      out.append("  upload deadline ").append(report.deadline()).append('\n');
    }
    if (report.discovery() != null) {
      WindowReport.Discovery d = report.discovery();
      out.append(String.format(Locale.ROOT, "  %d neurons, %d with read credentials, %d active, %d late, %d banned, %d selected%n",
          d.neurons(), d.withCredentials(), d.active(), d.late(), d.banned(), d.selected()));
    }
    for (WindowValidation miner : report.miners()) {
      out.append('\n');
      appendMiner(out, miner, withRows);
    }
    if (!report.copycat().isEmpty()) {
      out.append("\ncopycat:\n");
      for (CopycatTracker.Violation violation : report.copycat()) {
        out.append("  ").append(describe(violation)).append('\n');
      }
    }
    if (report.weights() != null) {
      appendWeights(out, report.weights());
    }
    return out.toString();
  }

  private static void appendMiner(StringBuilder out, WindowValidation miner, boolean withRows) {
    out.append(miner.hotkey());
    if (miner.uid() != null) {
      out.append(" (uid ").append(miner.uid()).append(')');
    }
    out.append(": ").append(miner.status().name());
    Estimates e = miner.estimates();
    switch (miner.status()) {
      case VALID -> out.append(String.format(Locale.ROOT, " — %d of %d checked rows valid (%s), %d successful, %d unique; "
              + "estimated %d valid, %d unique of %d rows", e.valid(), e.checked(),
          miner.checkedAll() ? "all rows" : "groups " + miner.sampledGroups(), e.successful(), e.unique(), e.estimatedValid(),
          e.estimatedUnique(), e.total()));
      case FAILED -> out.append(" at ").append(miner.failure());
      default -> { }
    }
    out.append('\n');
    if (miner.note() != null) {
      out.append("  ").append(miner.note()).append('\n');
    }
    if (miner.status() == MinerStatus.FAILED && e.checked() > 0) {
      out.append(String.format(Locale.ROOT, "  %d of %d rows checked before the failure%n", e.checked(), e.total()));
    }
    boolean anySoft = miner.softFailures().values().stream().anyMatch(count -> count > 0);
    if (anySoft) {
      out.append("  soft-check failures:");
      miner.softFailures().forEach((check, count) -> out.append(' ').append(check).append('=').append(count));
      out.append('\n');
    }
    Map<String, java.util.List<CopycatTracker.Violation>> byPair = new java.util.LinkedHashMap<>();
    for (CopycatTracker.Violation violation : miner.copycat()) {
      byPair.computeIfAbsent(violation.minerA() + "|" + violation.minerB(), key -> new java.util.ArrayList<>()).add(violation);
    }
    for (java.util.List<CopycatTracker.Violation> pair : byPair.values()) {
      CopycatTracker.Violation first = pair.get(0);
      String other = first.minerA().equals(miner.hotkey()) ? first.minerB() : first.minerA();
      String scopes = String.join(" and ", pair.stream().map(violation -> violation.scope().key()).toList());
      String role = !first.resolved() ? "upload order unknown, nobody gated"
          : miner.hotkey().equals(first.copier()) ? "this miner uploaded later and is gated" : "the other miner uploaded later and is gated";
      out.append(String.format(Locale.ROOT, "  copycat: %d of %d rollouts shared with %s (%s scope); %s%n", first.shared(),
          first.denominator(), other, scopes, role));
    }
    if (withRows) {
      for (RowReport row : miner.rows()) {
        out.append(String.format(Locale.ROOT, "    row %d (group %d, nonce %d): %s", row.row(), row.rolloutGroup(), row.nonce(),
            row.outcome().key()));
        if (row.failure() != null) {
          out.append(" — ").append(row.failure().check().key()).append(": ").append(row.failure().reason());
        }
        if (!row.measures().isEmpty()) {
          out.append(" [");
          boolean first = true;
          for (Map.Entry<String, Object> measure : row.measures().entrySet()) {
            out.append(first ? "" : ", ").append(measure.getKey()).append('=').append(format(measure.getValue()));
            first = false;
          }
          out.append(']');
        }
        out.append('\n');
        row.softFailures().forEach(soft -> out.append("      soft ").append(soft.check().key()).append(": ")
            .append(soft.reason()).append('\n'));
      }
    }
  }

  private static String describe(CopycatTracker.Violation violation) {
    String ratio = String.format(Locale.ROOT, "%d of %d rollouts shared (ratio %.3f, %s threshold %s)", violation.shared(),
        violation.denominator(), violation.ratio(), violation.scope().key(), violation.threshold());
    if (violation.resolved()) {
      return violation.copier() + " copied " + violation.victim() + ": " + ratio + "; " + violation.copier()
          + " uploaded later and is gated";
    }
    return violation.minerA() + " and " + violation.minerB() + ": " + ratio
        + "; upload order unknown, nobody gated";
  }

  private static void appendWeights(StringBuilder out, WeightsReport weights) {
    out.append(String.format(Locale.ROOT, "%nweights at window %d (%d window(s) in the history%s):%n", weights.targetWindow(),
        weights.windowsProcessed(), weights.ready() ? "" : "; a Grail validator submits after 12"));
    for (WeightsReport.Entry entry : weights.entries()) {
      out.append(String.format(Locale.ROOT, "  uid %d %s %.6g", entry.uid(), entry.hotkey(), entry.weight()));
      if (entry.uid() == weights.burnUid()) {
        out.append("  (burn)");
      } else if (entry.zeroReason() != null) {
        out.append("  (").append(entry.zeroReason()).append(')');
      } else {
        out.append(String.format(Locale.ROOT, "  (%d unique over %d checked of %d active windows)", entry.estimatedUnique(),
            entry.checkedWindows(), entry.activeWindows()));
      }
      out.append('\n');
    }
  }

  private static String format(Object value) {
    if (value instanceof Double number) {
      return String.format(Locale.ROOT, "%.6g", number);
    }
    if (value instanceof Float number) {
      return String.format(Locale.ROOT, "%.6g", number);
    }
    return String.valueOf(value);
  }
}
