package dev.quarry.grail.protocol;

import dev.quarry.crypto.Hex;
import dev.quarry.grail.protocol.python.PythonJson;
import dev.quarry.grail.protocol.python.PythonRandom;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a validator chooses what to check — miners per window ({@code MinerSampler}) and rollouts per
 * miner ({@code MinerValidator._determine_rollouts_to_check}) — so a miner can see which of its
 * groups a given window randomness would spot-check, and so our local validator agrees with real ones.
 */
public final class ValidatorSampling {

  /**
   * The rollouts a validator checks in one miner's file.
   *
   * @param rowIndices row positions in the file, ascending
   * @param groups the spot-checked {@code rollout_group} values, in draw order (empty when all rows are checked)
   * @param checkedAll whether the file was small enough to check every row
   */
  public record RolloutSelection(List<Integer> rowIndices, List<Long> groups, boolean checkedAll) {
    public RolloutSelection {
      rowIndices = List.copyOf(rowIndices);
      groups = List.copyOf(groups);
    }
  }

  private final ProtocolParameters.Validation validation;
  private final int rolloutsPerProblem;

  public ValidatorSampling(ProtocolParameters parameters) {
    this.validation = parameters.validation();
    this.rolloutsPerProblem = parameters.rollouts().rolloutsPerProblem();
  }

  public static ValidatorSampling v5() {
    return new ValidatorSampling(ProtocolParameters.v5());
  }

  /** Miners checked this window: {@code min(active, min(max, max(min, ceil(active · rate))))}, 0 if none are active. */
  public int minerSampleSize(int activeCount) {
    if (activeCount <= 0) {
      return 0;
    }
    int byRate = (int) Math.ceil(activeCount * validation.minerSampleRate());
    int size = Math.min(Math.max(validation.minerSampleMin(), byRate), validation.minerSampleMax());
    return Math.min(size, activeCount);
  }

  /**
   * The miners checked this window: eligible active hotkeys (no failure in the lookback) ordered by
   * how often each was selected in the rolling history, ties broken by {@link #tieBreak}, first
   * {@link #minerSampleSize} taken.
   *
   * @param windowBlockHash the hash of the checked window's first block
   * @param selectionCounts times each hotkey was selected recently (absent = 0)
   */
  public List<String> selectMiners(List<String> eligibleActive, BlockHash windowBlockHash, Map<String, Integer> selectionCounts) {
    int size = minerSampleSize(eligibleActive.size());
    if (size == 0) {
      return List.of();
    }
    List<String> ranked = new ArrayList<>(eligibleActive);
    Map<String, Long> tieBreaks = new LinkedHashMap<>();
    for (String hotkey : ranked) {
      tieBreaks.put(hotkey, tieBreak(windowBlockHash, hotkey));
    }
    ranked.sort(Comparator.<String>comparingInt(hotkey -> selectionCounts.getOrDefault(hotkey, 0))
        .thenComparing((left, right) -> Long.compareUnsigned(tieBreaks.get(left), tieBreaks.get(right))));
    return List.copyOf(ranked.subList(0, size));
  }

  /** {@code int.from_bytes(sha256(f"{window_hash}:{hotkey}")[:8], "big")} as an unsigned long. */
  public static long tieBreak(BlockHash windowBlockHash, String hotkey) {
    return Hashing.firstEightBytesBigEndian(Hashing.sha256(windowBlockHash.value() + ":" + hotkey));
  }

  /**
   * The canonical key of one group: SHA-256 hex over, for each of its rows in file order, the
   * SHA-256 of the row's {@code commit} rendered as compact sorted JSON ({@link PythonJson}).
   *
   * @param commits the group's parsed {@code commit} objects, in file order (commitments and beacon as parsed JSON)
   */
  public static String groupDigest(List<?> commits) {
    MessageDigest digest = Hashing.sha256();
    for (Object commit : commits) {
      digest.update(Hashing.sha256(PythonJson.dumps(commit, PythonJson.Style.COMPACT_SORTED)));
    }
    return Hex.encode(digest.digest());
  }

  /**
   * The rows of one miner's file a validator checks: all of them up to {@code checkAllThreshold}
   * rows; otherwise whole groups, {@code min(max(1, min(G, int(G · rate))), maxSamples / 16)} of
   * them, drawn with {@code random.Random(seed).sample} from the groups ordered by
   * {@link #groupDigest}, the seed being the first 8 bytes of {@code sha256(f"{hotkey}:{window_rand}")}.
   *
   * @param rolloutGroups each row's {@code rollout_group} (null rows belong to no group)
   * @param commits each row's parsed {@code commit}
   * @param challengeRandomness the validator's window randomness
   */
  public RolloutSelection rolloutsToCheck(
      List<Long> rolloutGroups, List<?> commits, String minerHotkey, Randomness challengeRandomness) {
    Objects.requireNonNull(minerHotkey, "minerHotkey");
    if (rolloutGroups.size() != commits.size()) {
      throw new IllegalArgumentException("one rollout_group per commit expected");
    }
    int total = rolloutGroups.size();
    if (total <= validation.checkAllThreshold()) {
      List<Integer> all = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        all.add(i);
      }
      return new RolloutSelection(all, List.of(), true);
    }
    Map<Long, List<Integer>> members = new LinkedHashMap<>();
    for (int i = 0; i < total; i++) {
      Long group = rolloutGroups.get(i);
      if (group != null) {
        members.computeIfAbsent(group, key -> new ArrayList<>()).add(i);
      }
    }
    int groupCount = members.size();
    int toCheck = Math.max(1, Math.min(groupCount, (int) (groupCount * validation.groupSampleRate())));
    toCheck = Math.min(toCheck, validation.maxSamplesPerMiner() / rolloutsPerProblem);

    long seed = Hashing.firstEightBytesBigEndian(Hashing.sha256(minerHotkey + ":" + challengeRandomness.hex()));
    PythonRandom random = PythonRandom.fromUnsignedLong(seed);

    Map<Long, String> digests = new LinkedHashMap<>();
    for (Map.Entry<Long, List<Integer>> entry : members.entrySet()) {
      List<Object> groupCommits = new ArrayList<>();
      for (int row : entry.getValue()) {
        groupCommits.add(commits.get(row));
      }
      digests.put(entry.getKey(), groupDigest(groupCommits));
    }
    List<Long> ordered = new ArrayList<>(members.keySet());
    ordered.sort(Comparator.comparing(digests::get));
    List<Long> chosen = random.sample(ordered, toCheck);
    List<Integer> rows = new ArrayList<>();
    for (Long group : chosen) {
      rows.addAll(members.get(group));
    }
    rows.sort(null);
    return new RolloutSelection(rows, chosen, false);
  }
}
