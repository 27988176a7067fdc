package dev.quarry.validator.checks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Copycat detection across the miners validated in a window ({@code CopycatTracker} of
 * {@code grail/validation/copycat_service.py}). Every rollout of a successfully validated file is
 * reduced to its completion digest; for each pair of miners, {@code shared} = Σ over digests of
 * {@code min(count_a, count_b)}. A pair is a violation when {@code shared / min(total_a, total_b)}
 * reaches 5 % in the window or 3 % accumulated over the submission interval (360 blocks). Only the
 * later uploader by S3 {@code LastModified} is flagged; without both times, or with equal times, the
 * pair is reported but nobody is gated (a missed detection is preferred over punishing the victim).
 *
 * <p>Holds the interval's accumulated state; {@link #snapshot()} and {@link #restore} persist it.
 */
public final class CopycatTracker {

  public static final double WINDOW_THRESHOLD = 0.05;
  public static final double INTERVAL_THRESHOLD = 0.03;

  /** Window or interval scope. */
  public enum Scope {
    WINDOW,
    INTERVAL;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One miner's input for a window.
   *
   * @param digestCounts completion digest → how many rollouts in the file have it
   * @param totalRollouts rows in the file (the ratio's denominator)
   * @param uploadTime the object's LastModified in unix seconds, or null when unknown (never a miner-written time)
   */
  public record Submission(Map<String, Integer> digestCounts, int totalRollouts, Double uploadTime) {
    public Submission {
      digestCounts = Map.copyOf(digestCounts);
    }
  }

  /**
   * A pair over the threshold. {@code minerA} sorts before {@code minerB}; {@code copier} and
   * {@code victim} are null when the direction could not be resolved.
   */
  public record Violation(String minerA, String minerB, long shared, long denominator, double ratio, double threshold,
      Scope scope, long window, String copier, String victim) {
    public boolean resolved() {
      return copier != null;
    }
  }

  /** What one window's ingestion found; the cheaters are the copiers of resolved violations. */
  public record Result(Set<String> windowCheaters, Set<String> intervalCheaters, List<Violation> violations) {
    public Result {
      windowCheaters = Set.copyOf(windowCheaters);
      intervalCheaters = Set.copyOf(intervalCheaters);
      violations = List.copyOf(violations);
    }

    public Set<String> cheaters() {
      Set<String> all = new LinkedHashSet<>(windowCheaters);
      all.addAll(intervalCheaters);
      return all;
    }
  }

  /**
   * The tracker's persistent state.
   *
   * @param intervalId the current submission interval ({@code window // 360}), or null before the first
   * @param pairOverlap "hotkeyA|hotkeyB" (sorted) → shared rollouts accumulated this interval
   * @param totals rollouts accumulated per miner this interval
   * @param uploadTimes the latest known upload time per miner this interval
   */
  public record Snapshot(Long intervalId, Map<String, Long> pairOverlap, Map<String, Long> totals,
      Map<String, Double> uploadTimes) {
    public Snapshot {
      pairOverlap = Map.copyOf(pairOverlap);
      totals = Map.copyOf(totals);
      uploadTimes = Map.copyOf(uploadTimes);
    }
  }

  private final double windowThreshold;
  private final double intervalThreshold;
  private Long intervalId;
  private final Map<String, Long> intervalOverlap = new TreeMap<>();
  private final Map<String, Long> intervalTotals = new TreeMap<>();
  private final Map<String, Double> intervalUploadTimes = new TreeMap<>();

  public CopycatTracker() {
    this(WINDOW_THRESHOLD, INTERVAL_THRESHOLD);
  }

  public CopycatTracker(double windowThreshold, double intervalThreshold) {
    this.windowThreshold = windowThreshold;
    this.intervalThreshold = intervalThreshold;
  }

  /** Starts a new interval (clearing the accumulated state) unless {@code id} is the current one. */
  public void resetInterval(long id) {
    if (intervalId != null && intervalId == id) {
      return;
    }
    intervalId = id;
    intervalOverlap.clear();
    intervalTotals.clear();
    intervalUploadTimes.clear();
  }

  public Result ingest(long window, Map<String, Submission> submissions) {
    Map<String, List<Map.Entry<String, Integer>>> byDigest = new HashMap<>();
    for (Map.Entry<String, Submission> submission : submissions.entrySet()) {
      for (Map.Entry<String, Integer> digest : submission.getValue().digestCounts().entrySet()) {
        byDigest.computeIfAbsent(digest.getKey(), key -> new ArrayList<>()).add(Map.entry(submission.getKey(), digest.getValue()));
      }
    }
    Map<String, Long> windowOverlap = new TreeMap<>();
    for (List<Map.Entry<String, Integer>> miners : byDigest.values()) {
      for (int a = 0; a < miners.size(); a++) {
        for (int b = a + 1; b < miners.size(); b++) {
          int overlap = Math.min(miners.get(a).getValue(), miners.get(b).getValue());
          if (overlap <= 0) {
            continue;
          }
          String pair = pairKey(miners.get(a).getKey(), miners.get(b).getKey());
          windowOverlap.merge(pair, (long) overlap, Long::sum);
          intervalOverlap.merge(pair, (long) overlap, Long::sum);
        }
      }
    }
    Map<String, Long> windowTotals = new HashMap<>();
    Map<String, Double> uploads = new HashMap<>();
    for (Map.Entry<String, Submission> submission : submissions.entrySet()) {
      String miner = submission.getKey();
      windowTotals.put(miner, (long) submission.getValue().totalRollouts());
      uploads.put(miner, submission.getValue().uploadTime());
      intervalTotals.merge(miner, (long) submission.getValue().totalRollouts(), Long::sum);
      if (submission.getValue().uploadTime() != null) {
        intervalUploadTimes.put(miner, submission.getValue().uploadTime());
      }
    }
    List<Violation> violations = new ArrayList<>();
    Set<String> windowCheaters = findCheaters(windowOverlap, windowTotals, windowThreshold, Scope.WINDOW, window, uploads,
        violations);
    Set<String> intervalCheaters = findCheaters(intervalOverlap, intervalTotals, intervalThreshold, Scope.INTERVAL, window,
        intervalUploadTimes, violations);
    return new Result(windowCheaters, intervalCheaters, violations);
  }

  private static Set<String> findCheaters(Map<String, Long> overlap, Map<String, Long> totals, double threshold, Scope scope,
      long window, Map<String, Double> uploads, List<Violation> out) {
    Set<String> flagged = new LinkedHashSet<>();
    for (Map.Entry<String, Long> pair : overlap.entrySet()) {
      long shared = pair.getValue();
      if (shared <= 0) {
        continue;
      }
      String[] miners = pair.getKey().split("\\|", 2);
      long denominator = Math.min(totals.getOrDefault(miners[0], 0L), totals.getOrDefault(miners[1], 0L));
      if (denominator <= 0) {
        continue;
      }
      double ratio = shared / (double) denominator;
      if (ratio < threshold) {
        continue;
      }
      Double timeA = uploads.get(miners[0]);
      Double timeB = uploads.get(miners[1]);
      String copier = null;
      String victim = null;
      if (timeA != null && timeB != null && !timeA.equals(timeB)) {
        copier = timeA > timeB ? miners[0] : miners[1];
        victim = timeA > timeB ? miners[1] : miners[0];
        flagged.add(copier);
      }
      out.add(new Violation(miners[0], miners[1], shared, denominator, ratio, threshold, scope, window, copier, victim));
    }
    return flagged;
  }

  private static String pairKey(String a, String b) {
    return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
  }

  public Snapshot snapshot() {
    return new Snapshot(intervalId, new LinkedHashMap<>(intervalOverlap), new LinkedHashMap<>(intervalTotals),
        new LinkedHashMap<>(intervalUploadTimes));
  }

  public static CopycatTracker restore(Snapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    CopycatTracker tracker = new CopycatTracker();
    tracker.intervalId = snapshot.intervalId();
    tracker.intervalOverlap.putAll(snapshot.pairOverlap());
    tracker.intervalTotals.putAll(snapshot.totals());
    tracker.intervalUploadTimes.putAll(snapshot.uploadTimes());
    return tracker;
  }
}
