package dev.quarry.mining;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * How a window ended, as the coordinator saw it.
 *
 * @param windowStart the window
 * @param outcome what happened
 * @param objectKey the window file's key, or null when nothing was uploaded
 * @param bytes the file's size, or 0
 * @param groups complete groups in the file
 * @param rollouts rows in the file
 * @param dropped groups that did not make it, by reason
 * @param uploadStartedAt when the file was written and its upload began, or null
 * @param storedAt the object's LastModified as the bucket reports it, or null
 * @param uploadMillis how long the last upload attempt took, or 0
 * @param deadline the estimated {@code timestamp(W + 30) − 4 s} the upload was planned against
 * @param detail one line for operators (the failure, or why nothing was mined)
 */
public record WindowReport(long windowStart, Outcome outcome, String objectKey, long bytes, int groups, int rollouts,
    Map<String, Integer> dropped, Instant uploadStartedAt, Instant storedAt, long uploadMillis, Instant deadline, String detail) {

  /** How a window ended. */
  public enum Outcome {
    /** The file is in the bucket. */
    UPLOADED,
    /** The file was already in the bucket (uploaded before a coordinator migration); nothing was sent. */
    ALREADY_UPLOADED,
    /** No group finished in time; nothing to upload. */
    EMPTY,
    /** No READY checkpoint (or unusable metadata): the window was skipped. */
    NO_CHECKPOINT,
    /** The upload failed until the deadline; the file stays in the spool. */
    UPLOAD_FAILED,
    /** Something else stopped the window (chain unreachable, …). */
    FAILED,
    /** The miner started too late in the window to mine it (nothing was planned). */
    SKIPPED
  }

  public WindowReport {
    Objects.requireNonNull(outcome, "outcome");
    dropped = Map.copyOf(dropped);
    detail = detail == null ? "" : detail;
  }

  /** Whether the window's file is in the bucket. */
  public boolean stored() {
    return outcome == Outcome.UPLOADED || outcome == Outcome.ALREADY_UPLOADED;
  }
}
