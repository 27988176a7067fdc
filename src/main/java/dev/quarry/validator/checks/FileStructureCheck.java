package dev.quarry.validator.checks;

import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.storage.window.WindowFile;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cheap checks on every row of a file before any sampling ({@code MinerValidator._validate_file_structure}),
 * in the reference's order: footer {@code wallet} equals the miner's hotkey, footer
 * {@code window_start} equals the window; then row by row {@code window_start} and {@code block_hash}
 * and a globally unique {@code nonce}; finally every {@code rollout_group} has exactly 16 rows. A
 * failure rejects the file (and bans the miner).
 */
public final class FileStructureCheck {

  private final int rolloutsPerProblem;

  public FileStructureCheck(int rolloutsPerProblem) {
    this.rolloutsPerProblem = rolloutsPerProblem;
  }

  public Optional<Rejection> check(WindowFile file, String minerHotkey, long window, BlockHash windowBlockHash) {
    if (!file.wallet().equals(minerHotkey)) {
      return Optional.of(Rejection.ofFile(Check.STRUCTURE, file.wallet().isEmpty()
          ? "footer metadata 'wallet' is missing (expected " + minerHotkey + "); the writer must store the hotkey in the "
              + "Parquet key/value metadata"
          : "footer wallet is " + file.wallet() + ", not the miner's hotkey " + minerHotkey));
    }
    if (file.windowStart() != window) {
      return Optional.of(Rejection.ofFile(Check.STRUCTURE, "footer window_start is " + file.windowStart()
          + ", not the validated window " + window + (file.windowStart() == 0 ? " (missing footer metadata?)" : "")));
    }
    List<RolloutRow> rows = file.rows();
    Set<Long> nonces = new HashSet<>();
    Map<Long, Integer> groupSizes = new LinkedHashMap<>();
    Map<Long, Integer> firstRowOfGroup = new HashMap<>();
    for (int index = 0; index < rows.size(); index++) {
      RolloutRow row = rows.get(index);
      if (row.windowStart() != window) {
        return Optional.of(Rejection.ofRow(Check.STRUCTURE, index, "window_start is " + row.windowStart()
            + ", not the validated window " + window));
      }
      if (!row.blockHash().equals(windowBlockHash.value())) {
        return Optional.of(Rejection.ofRow(Check.STRUCTURE, index, "block_hash " + row.blockHash()
            + " is not the hash of block " + window + " (" + windowBlockHash.value() + ")"));
      }
      if (!nonces.add(row.nonce())) {
        return Optional.of(Rejection.ofRow(Check.STRUCTURE, index, "nonce " + row.nonce()
            + " appears twice (nonces are rollout_group*" + rolloutsPerProblem + "+rollout_index and must be unique)"));
      }
      groupSizes.merge(row.rolloutGroup(), 1, Integer::sum);
      firstRowOfGroup.putIfAbsent(row.rolloutGroup(), index);
    }
    for (Map.Entry<Long, Integer> group : groupSizes.entrySet()) {
      if (group.getValue() != rolloutsPerProblem) {
        return Optional.of(Rejection.ofRow(Check.STRUCTURE, firstRowOfGroup.get(group.getKey()), "rollout_group "
            + group.getKey() + " has " + group.getValue() + " rows, expected exactly " + rolloutsPerProblem));
      }
    }
    return Optional.empty();
  }
}
