package dev.quarry.chain;

/**
 * A chain operation that failed, with a {@link Kind} callers can act on and a message an operator
 * can read (for example "serving rate limit exceeded (subtensor custom error 12)").
 */
public class ChainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarsely. */
  public enum Kind {
    /** The endpoint is unreachable or the connection dropped; retrying later may help. */
    CONNECTION,
    /** No answer in time. */
    TIMEOUT,
    /** The node answered with a JSON-RPC error. */
    RPC,
    /** The transaction pool rejected the extrinsic (invalid, rate limited, not registered, …). */
    REJECTED,
    /** The extrinsic was included but its call failed (a dispatch error). */
    DISPATCH_FAILED,
    /** The extrinsic was dropped, usurped or invalidated after submission. */
    DROPPED,
    /** The runtime no longer matches the layouts Quarry encodes and decodes. */
    INCOMPATIBLE_RUNTIME,
    /** Data from the chain could not be decoded. */
    DECODING,
    /** The client was closed. */
    CLOSED
  }

  private final Kind kind;

  public ChainException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ChainException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
