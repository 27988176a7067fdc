package dev.quarry.grail.protocol;

/**
 * The identity of a completion for uniqueness and copycat detection
 * ({@code compute_completion_digest}, {@code MinerScorer._compute_rollout_hash}): SHA-256 hex of
 * {@code json.dumps(tokens[prompt_length:], separators=(",", ":"))}, e.g. of {@code "[1,2,3]"}.
 * Validators weight miners by how many distinct digests they produce.
 */
public final class CompletionDigest {

  private CompletionDigest() {}

  /**
   * The digest of the completion part of {@code tokens}. (For an empty token list the copycat
   * detector records no digest while the scorer hashes {@code "[]"}; this returns the latter.)
   */
  public static String hex(int[] tokens, int promptLength) {
    if (promptLength < 0) {
      throw new IllegalArgumentException("prompt length must be non-negative, got " + promptLength);
    }
    StringBuilder json = new StringBuilder(Math.max(2, (tokens.length - promptLength) * 7));
    json.append('[');
    for (int i = promptLength; i < tokens.length; i++) {
      if (i > promptLength) {
        json.append(',');
      }
      json.append(tokens[i]);
    }
    json.append(']');
    return Hashing.sha256Hex(json.toString());
  }
}
