package dev.quarry.chain;

import dev.quarry.crypto.AccountId;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A hotkey's {@code Commitments.CommitmentOf} entry: the block it was set at and its fields'
 * raw bytes ({@code Raw0..Raw128} data; hashed or timelocked fields are kept as their payload).
 * {@link #text()} decodes the first field as the SDK's {@code decode_metadata} does.
 */
public record Commitment(AccountId hotkey, long block, List<byte[]> fields) {

  public Commitment {
    fields = List.copyOf(fields);
  }

  /** The first field as UTF-8 (invalid bytes dropped, like Python's errors="ignore"), or "". */
  public String text() {
    if (fields.isEmpty()) {
      return "";
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.IGNORE)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.IGNORE)
          .decode(java.nio.ByteBuffer.wrap(fields.get(0)))
          .toString();
    } catch (java.nio.charset.CharacterCodingException impossible) {
      throw new IllegalStateException("IGNORE actions cannot fail", impossible);
    }
  }
}
