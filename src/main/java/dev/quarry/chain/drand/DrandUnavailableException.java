package dev.quarry.chain.drand;

import java.util.List;

/** No relay produced a verified beacon in time. {@link #attempts()} says what each one did. */
public final class DrandUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  /** One request: the URL tried and why its answer was not used. */
  public record Attempt(String url, String failure) {
    @Override
    public String toString() {
      return url + ": " + failure;
    }
  }

  private final transient List<Attempt> attempts;

  public DrandUnavailableException(String summary, List<Attempt> attempts) {
    super(summary + (attempts.isEmpty() ? "" : " (" + String.join("; ", attempts.stream().map(Attempt::toString).toList()) + ")"));
    this.attempts = List.copyOf(attempts);
  }

  public List<Attempt> attempts() {
    return attempts;
  }
}
