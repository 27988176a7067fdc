package dev.quarry.grail.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The outer per-row signature's message ({@code sign_rollout}): {@code f"{episode_seed}|{block_hash}|{nonce}"}.
 * The reference's payload never carries an episode seed, so the text is {@code "|0x…|nonce"}; it is
 * stored in the {@code challenge} column and signed as UTF-8. Validators verify the signature
 * against the stored text and hotkey without recomputing it, but we write exactly what the
 * reference writes.
 */
public final class RolloutChallenge {

  private RolloutChallenge() {}

  public static String text(BlockHash windowBlockHash, long nonce) {
    return "|" + windowBlockHash.value() + "|" + nonce;
  }

  /** The signed bytes. */
  public static byte[] bytes(BlockHash windowBlockHash, long nonce) {
    return text(windowBlockHash, nonce).getBytes(StandardCharsets.UTF_8);
  }
}
