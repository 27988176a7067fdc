package dev.quarry.validator.checks;

import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Sr25519;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.HexCleaning;
import dev.quarry.storage.window.RolloutRow;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The per-row checks that run before the pipeline ({@code MinerValidator._validate_rollouts}):
 * the row's {@code checkpoint_window}, its window, block hash and nonce once more
 * ({@code _check_inference_consistency}; the nonce set spans the checked rows of one file, so use
 * one instance per file), and the outer signature ({@code _verify_rollout_signature}).
 */
public final class RowConsistencyChecks {

  private final long window;
  private final BlockHash windowBlockHash;
  private final long validatorCheckpointWindow;
  private final Set<Long> nonces = new HashSet<>();

  public RowConsistencyChecks(long window, BlockHash windowBlockHash, long validatorCheckpointWindow) {
    this.window = window;
    this.windowBlockHash = windowBlockHash;
    this.validatorCheckpointWindow = validatorCheckpointWindow;
  }

  /** The row was produced with the checkpoint the validator loaded for this window. */
  public CheckResult checkpointWindow(RowUnderTest row) {
    long claimed = row.row().checkpointWindow();
    if (claimed != validatorCheckpointWindow) {
      return CheckResult.fail(Check.CHECKPOINT_WINDOW, row.index(), "checkpoint_window is " + claimed
          + " but the trainer checkpoint for window " + window + " is " + validatorCheckpointWindow
          + " (the miner generated with another checkpoint)");
    }
    return CheckResult.pass(Check.CHECKPOINT_WINDOW);
  }

  /** Window, block hash and a nonce not seen among the rows checked so far. */
  public CheckResult consistency(RowUnderTest row) {
    RolloutRow data = row.row();
    if (data.windowStart() != window) {
      return CheckResult.fail(Check.CONSISTENCY, row.index(), "window_start is " + data.windowStart() + ", not " + window);
    }
    if (!data.blockHash().equals(windowBlockHash.value())) {
      return CheckResult.fail(Check.CONSISTENCY, row.index(), "block_hash " + data.blockHash() + " is not "
          + windowBlockHash.value());
    }
    if (!nonces.add(data.nonce())) {
      return CheckResult.fail(Check.CONSISTENCY, row.index(), "nonce " + data.nonce() + " was already checked in this file");
    }
    return CheckResult.pass(Check.CONSISTENCY);
  }

  /**
   * The row's {@code signature} verifies over the UTF-8 bytes of its {@code challenge} for the
   * row's own {@code hotkey} (the reference does not recompute the challenge text), raw or wrapped
   * in {@code <Bytes>…</Bytes>} as btwallet's {@code Keypair.verify} accepts.
   */
  public static CheckResult rolloutSignature(RowUnderTest row) {
    RolloutRow data = row.row();
    if (data.challenge().isEmpty() || data.hotkey().isEmpty() || data.signature().isEmpty()) {
      return CheckResult.fail(Check.ROLLOUT_SIGNATURE, row.index(), "challenge, hotkey or signature is empty");
    }
    AccountId signer;
    try {
      signer = AccountId.fromSs58(data.hotkey());
    } catch (IllegalArgumentException notAnAddress) {
      return CheckResult.fail(Check.ROLLOUT_SIGNATURE, row.index(), "hotkey is not an SS58 address: " + notAnAddress.getMessage());
    }
    byte[] signature;
    try {
      signature = HexCleaning.fromHex(data.signature());
    } catch (IllegalArgumentException notHex) {
      return CheckResult.fail(Check.ROLLOUT_SIGNATURE, row.index(), "signature is not hex: " + notHex.getMessage());
    }
    if (signature.length != Sr25519.SIGNATURE_LENGTH) {
      return CheckResult.fail(Check.ROLLOUT_SIGNATURE, row.index(), "signature has " + signature.length
          + " bytes, an sr25519 signature has " + Sr25519.SIGNATURE_LENGTH);
    }
    byte[] message = data.challenge().getBytes(StandardCharsets.UTF_8);
    if (!Sr25519.verifyAllowingBytesWrapper(signer.bytes(), message, signature)) {
      return CheckResult.fail(Check.ROLLOUT_SIGNATURE, row.index(), "signature does not verify over challenge '"
          + data.challenge() + "' for hotkey " + data.hotkey());
    }
    return CheckResult.pass(Check.ROLLOUT_SIGNATURE);
  }
}
