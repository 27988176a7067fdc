package dev.quarry.chain.subtensor;

import dev.quarry.chain.ChainException;
import dev.quarry.chain.rpc.JsonRpcException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns node errors into messages an operator can act on: subtensor's custom transaction-validity
 * codes ({@code common/src/transaction_error.rs}) and the transaction pool's standard rejections.
 */
public final class SubtensorErrors {

  private static final Pattern CUSTOM = Pattern.compile("Custom error: (\\d+)");

  /** Subtensor's {@code CustomTransactionError} codes. */
  private static final Map<Integer, String> CUSTOM_ERRORS = Map.ofEntries(
      Map.entry(0, "coldkey is in a swap schedule"),
      Map.entry(1, "stake amount too low"),
      Map.entry(2, "balance too low"),
      Map.entry(3, "subnet does not exist"),
      Map.entry(4, "hotkey account does not exist"),
      Map.entry(5, "not enough stake to withdraw"),
      Map.entry(6, "rate limit exceeded"),
      Map.entry(7, "insufficient liquidity"),
      Map.entry(8, "slippage too high"),
      Map.entry(9, "transfer disallowed"),
      Map.entry(10, "hotkey is not registered on this subnet"),
      Map.entry(11, "invalid IP address"),
      Map.entry(12, "serving rate limit exceeded"),
      Map.entry(13, "invalid port"),
      Map.entry(14, "zero max amount"),
      Map.entry(15, "invalid reveal round"),
      Map.entry(16, "commit not found"),
      Map.entry(17, "commit block not in reveal range"),
      Map.entry(18, "input lengths unequal"),
      Map.entry(19, "uid not found"),
      Map.entry(20, "EVM key association rate limit exceeded"),
      Map.entry(21, "coldkey swap disputed"),
      Map.entry(22, "invalid real account"),
      Map.entry(23, "failed to parse shielded transaction"),
      Map.entry(24, "invalid shielded transaction public key hash"),
      Map.entry(25, "coldkey is not associated with the hotkey"),
      Map.entry(26, "delegate take too low"),
      Map.entry(27, "delegate take too high"),
      Map.entry(255, "bad request"));

  private SubtensorErrors() {}

  /** The human description of subtensor custom error {@code code}. */
  public static String customError(int code) {
    return CUSTOM_ERRORS.getOrDefault(code, "unknown subtensor error");
  }

  /** Maps an error from {@code author_submit*} to a {@link ChainException.Kind#REJECTED} with a clear message. */
  public static ChainException submissionRejected(JsonRpcException error) {
    String data = error.data() == null ? "" : error.data();
    Matcher custom = CUSTOM.matcher(data);
    String reason;
    if (custom.find()) {
      int code = Integer.parseInt(custom.group(1));
      reason = customError(code) + " (subtensor custom error " + code + ")";
    } else {
      reason = switch (error.code()) {
        case 1010 -> "invalid transaction: " + (data.isEmpty() ? error.rpcMessage() : data);
        case 1011 -> "unknown transaction validity: " + (data.isEmpty() ? error.rpcMessage() : data);
        case 1012 -> "transaction is temporarily banned (recently submitted and rejected)";
        case 1013 -> "transaction already imported";
        case 1014 -> "priority too low (an earlier transaction with the same nonce is pending)";
        case 1015 -> "transaction dependency cycle";
        case 1016 -> "transaction pool is full (immediately dropped)";
        case 1002 -> "the node could not decode or verify the extrinsic: " + (data.isEmpty() ? error.rpcMessage() : data);
        default -> error.rpcMessage() + (data.isEmpty() ? "" : ": " + data);
      };
    }
    return new ChainException(ChainException.Kind.REJECTED, "transaction rejected: " + reason, error);
  }
}
