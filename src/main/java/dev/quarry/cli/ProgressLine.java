package dev.quarry.cli;

import dev.quarry.http.MinerStatus;
import dev.quarry.http.StatusSource;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live one-line progress of the current window, redrawn in place twice a second, when standard
 * output is a terminal. Elsewhere (a log file, a container) the miner's INFO log lines say the same
 * once per event, so nothing is printed here.
 */
final class ProgressLine implements AutoCloseable {

  private final ScheduledExecutorService timer;
  private final PrintWriter out;
  private int lastLength;

  private ProgressLine(PrintWriter out, StatusSource status) {
    this.out = out;
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "quarry-progress");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleAtFixedRate(() -> draw(status.current()), 500, 500, TimeUnit.MILLISECONDS);
  }

  /** A progress line on {@code out}, or nothing when there is no terminal. */
  static AutoCloseable startIfTerminal(PrintWriter out, StatusSource status) {
    return System.console() != null ? new ProgressLine(out, status) : () -> { };
  }

  /** One line describing the status (also what tests check). */
  static String render(MinerStatus status) {
    StringBuilder line = new StringBuilder();
    line.append("window ").append(status.windowStart() == null ? "-" : status.windowStart())
        .append(" | ").append(status.phase().name().toLowerCase(Locale.ROOT).replace('_', ' '))
        .append(" | ").append(status.groups()).append(" groups, ").append(status.rollouts()).append(" rollouts");
    int dropped = status.droppedGroups().values().stream().mapToInt(Integer::intValue).sum();
    if (dropped > 0) {
      line.append(", ").append(dropped).append(" dropped");
    }
    line.append(" | ").append(String.format(Locale.ROOT, "%.0f tok/s", status.tokensPerSecond()));
    if (status.blocksLeft() != null) {
      line.append(" | ").append(status.blocksLeft()).append(" blocks to deadline");
    }
    if (status.lastUpload() != null) {
      line.append(" | last upload ").append(status.lastUpload().windowStart()).append(status.lastUpload().succeeded() ? " ok" : " FAILED");
    }
    return line.toString();
  }

  private synchronized void draw(MinerStatus status) {
    String line = render(status);
    int pad = Math.max(0, lastLength - line.length());
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    lastLength = line.length();
  }

  @Override
  public synchronized void close() {
    timer.shutdownNow();
    if (lastLength > 0) {
      out.println();
      out.flush();
    }
  }
}
