package dev.quarry.validator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.grail.protocol.Weights;
import dev.quarry.validator.checks.CopycatTracker;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a validator remembers between windows ({@code ValidationService}'s rolling state): which
 * miners were active and which were selected in the last 12 windows, which failed in the last
 * {@code failureLookback} windows (they are excluded from selection: the ban), each checked miner's
 * metrics per window (for the weights), and the copycat tracker's interval. {@link #save} and
 * {@link #load} keep it in a JSON file so consecutive {@code quarry validate} runs behave like one
 * running validator.
 */
public final class ValidatorState {

  static final String FORMAT = "quarry-validator-state/1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * A checked miner's metrics for one window (the reference's {@code inference_counts} entry).
   *
   * @param hadFailure the window was a failure (hard check, soft gate, bad file, copycat)
   */
  public record WindowMetrics(long total, long checked, long valid, long estimatedValid, long estimatedSuccessful,
      long estimatedUnique, boolean hadFailure) {

    static WindowMetrics of(WindowValidation validation) {
      Estimates estimates = validation.estimates();
      return new WindowMetrics(estimates.total(), estimates.checked(), estimates.valid(), estimates.estimatedValid(),
          estimates.estimatedSuccessful(), estimates.estimatedUnique(), validation.hadFailure());
    }
  }

  private final int rollingWindows;
  private final int windowLength;
  private int failureLookback;
  private final Deque<Set<String>> availability = new ArrayDeque<>();
  private final Deque<Set<String>> selection = new ArrayDeque<>();
  private final Deque<Set<String>> failures = new ArrayDeque<>();
  private final Map<String, TreeMap<Long, WindowMetrics>> metrics = new TreeMap<>();
  private CopycatTracker copycat = new CopycatTracker();
  private int windowsProcessed;
  private Long lastWindow;

  /**
   * @param rollingWindows windows of availability/selection history and of the weights (12)
   * @param windowLength blocks per window (30)
   * @param failureLookback windows a failure bans a miner (14)
   */
  public ValidatorState(int rollingWindows, int windowLength, int failureLookback) {
    this.rollingWindows = rollingWindows;
    this.windowLength = windowLength;
    this.failureLookback = failureLookback;
  }

  public static ValidatorState fresh(ValidatorOptions options) {
    return new ValidatorState(options.parameters().incentive().rollingWindows(),
        options.parameters().windows().windowLength(), options.failureLookbackWindows());
  }

  /** Changes the ban length; older failures beyond it are forgotten. */
  public void setFailureLookback(int windows) {
    failureLookback = windows;
    trim(failures, failureLookback);
  }

  public int failureLookback() {
    return failureLookback;
  }

  public void recordAvailability(Set<String> activeHotkeys) {
    push(availability, activeHotkeys, rollingWindows);
  }

  public void recordSelection(Set<String> selectedHotkeys) {
    push(selection, selectedHotkeys, rollingWindows);
  }

  public void recordFailures(Set<String> failedHotkeys) {
    push(failures, failedHotkeys, failureLookback);
  }

  /** Stores a checked miner's metrics and forgets windows the weights no longer look at. */
  public void recordMetrics(long window, String hotkey, WindowMetrics windowMetrics) {
    TreeMap<Long, WindowMetrics> perWindow = metrics.computeIfAbsent(hotkey, key -> new TreeMap<>());
    perWindow.put(window, windowMetrics);
    long oldest = window - (long) (rollingWindows - 1) * windowLength;
    metrics.values().forEach(windows -> windows.headMap(oldest).clear());
    metrics.values().removeIf(Map::isEmpty);
  }

  /** Marks a window as processed (the weights need 12 before they are submitted). */
  public void windowProcessed(long window) {
    windowsProcessed++;
    lastWindow = window;
  }

  public int availabilityCount(String hotkey) {
    return count(availability, hotkey);
  }

  public int selectionCount(String hotkey) {
    return count(selection, hotkey);
  }

  /** Failures within the lookback: a miner with any is banned from selection. */
  public int failureCount(String hotkey) {
    return count(failures, hotkey);
  }

  public Map<String, Integer> selectionCounts() {
    Map<String, Integer> counts = new HashMap<>();
    for (Set<String> window : selection) {
      for (String hotkey : window) {
        counts.merge(hotkey, 1, Integer::sum);
      }
    }
    return counts;
  }

  public int windowsProcessed() {
    return windowsProcessed;
  }

  public Long lastWindow() {
    return lastWindow;
  }

  public CopycatTracker copycat() {
    return copycat;
  }

  /** The metrics recorded for a hotkey, by window. */
  public Map<Long, WindowMetrics> metrics(String hotkey) {
    return Map.copyOf(metrics.getOrDefault(hotkey, new TreeMap<>()));
  }

  /** The weights' view of a metagraph entry. */
  public Weights.MinerHistory history(String hotkey, int uid) {
    Map<Long, Weights.WindowMetrics> checked = new LinkedHashMap<>();
    metrics.getOrDefault(hotkey, new TreeMap<>()).forEach((window, windowMetrics) ->
        checked.put(window, new Weights.WindowMetrics(windowMetrics.estimatedUnique(), windowMetrics.hadFailure())));
    return new Weights.MinerHistory(hotkey, uid, availabilityCount(hotkey), checked);
  }

  private static void push(Deque<Set<String>> history, Set<String> hotkeys, int length) {
    history.addLast(Set.copyOf(hotkeys));
    trim(history, length);
  }

  private static void trim(Deque<Set<String>> history, int length) {
    while (history.size() > length) {
      history.removeFirst();
    }
  }

  private static int count(Deque<Set<String>> history, String hotkey) {
    int count = 0;
    for (Set<String> window : history) {
      if (window.contains(hotkey)) {
        count++;
      }
    }
    return count;
  }

  /** Reads a state file; a missing file is a fresh state. */
  public static ValidatorState load(Path file, ValidatorOptions options) throws IOException {
    ValidatorState state = fresh(options);
    if (!Files.exists(file)) {
      return state;
    }
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException broken) {
      throw new IOException(file + " is not a validator state file (not JSON: " + broken.getOriginalMessage()
          + "); move it away to start with a fresh history");
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new IOException(file + " is not a validator state file (format must be " + FORMAT
          + "); move it away to start with a fresh history");
    }
    try {
      state.windowsProcessed = root.path("windows_processed").asInt();
      state.lastWindow = root.hasNonNull("last_window") ? root.get("last_window").asLong() : null;
      readHistory(root.path("availability"), state.availability, state.rollingWindows);
      readHistory(root.path("selection"), state.selection, state.rollingWindows);
      readHistory(root.path("failures"), state.failures, state.failureLookback);
      root.path("metrics").fields().forEachRemaining(miner -> {
        TreeMap<Long, WindowMetrics> perWindow = new TreeMap<>();
        miner.getValue().fields().forEachRemaining(window -> {
          JsonNode m = window.getValue();
          perWindow.put(Long.parseLong(window.getKey()), new WindowMetrics(m.path("total").asLong(), m.path("checked").asLong(),
              m.path("valid").asLong(), m.path("estimated_valid").asLong(), m.path("estimated_successful").asLong(),
              m.path("estimated_unique").asLong(), m.path("had_failure").asBoolean()));
        });
        state.metrics.put(miner.getKey(), perWindow);
      });
      JsonNode copycat = root.path("copycat");
      Map<String, Long> overlap = new TreeMap<>();
      copycat.path("pair_overlap").fields().forEachRemaining(entry -> overlap.put(entry.getKey(), entry.getValue().asLong()));
      Map<String, Long> totals = new TreeMap<>();
      copycat.path("totals").fields().forEachRemaining(entry -> totals.put(entry.getKey(), entry.getValue().asLong()));
      Map<String, Double> uploads = new TreeMap<>();
      copycat.path("upload_times").fields().forEachRemaining(entry -> uploads.put(entry.getKey(), entry.getValue().asDouble()));
      state.copycat = CopycatTracker.restore(new CopycatTracker.Snapshot(
          copycat.hasNonNull("interval") ? copycat.get("interval").asLong() : null, overlap, totals, uploads));
    } catch (RuntimeException malformed) {
      throw new IOException(file + " is a malformed validator state file (" + malformed.getMessage()
          + "); move it away to start with a fresh history", malformed);
    }
    return state;
  }

  private static void readHistory(JsonNode node, Deque<Set<String>> history, int length) {
    for (JsonNode window : node) {
      Set<String> hotkeys = new TreeSet<>();
      window.forEach(hotkey -> hotkeys.add(hotkey.asText()));
      history.addLast(hotkeys);
    }
    trim(history, length);
  }

  /** Writes the state atomically. */
  public void save(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("windows_processed", windowsProcessed);
    if (lastWindow == null) {
      root.putNull("last_window");
    } else {
      root.put("last_window", lastWindow);
    }
    root.put("failure_lookback", failureLookback);
    writeHistory(root.putArray("availability"), availability);
    writeHistory(root.putArray("selection"), selection);
    writeHistory(root.putArray("failures"), failures);
    ObjectNode metricsNode = root.putObject("metrics");
    metrics.forEach((hotkey, perWindow) -> {
      ObjectNode miner = metricsNode.putObject(hotkey);
      perWindow.forEach((window, m) -> miner.putObject(Long.toString(window))
          .put("total", m.total()).put("checked", m.checked()).put("valid", m.valid())
          .put("estimated_valid", m.estimatedValid()).put("estimated_successful", m.estimatedSuccessful())
          .put("estimated_unique", m.estimatedUnique()).put("had_failure", m.hadFailure()));
    });
    CopycatTracker.Snapshot snapshot = copycat.snapshot();
    ObjectNode copycatNode = root.putObject("copycat");
    if (snapshot.intervalId() == null) {
      copycatNode.putNull("interval");
    } else {
      copycatNode.put("interval", snapshot.intervalId());
    }
    ObjectNode overlap = copycatNode.putObject("pair_overlap");
    new TreeMap<>(snapshot.pairOverlap()).forEach(overlap::put);
    ObjectNode totals = copycatNode.putObject("totals");
    new TreeMap<>(snapshot.totals()).forEach(totals::put);
    ObjectNode uploads = copycatNode.putObject("upload_times");
    new TreeMap<>(snapshot.uploadTimes()).forEach(uploads::put);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, "state", ".partial");
    try {
      Files.write(temporary, JSON.writeValueAsBytes(root));
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static void writeHistory(ArrayNode out, Deque<Set<String>> history) {
    for (Set<String> window : history) {
      ArrayNode hotkeys = out.addArray();
      new TreeSet<>(window).forEach(hotkeys::add);
    }
  }
}
