package dev.quarry.validator;

import dev.quarry.crypto.Hex;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.grail.protocol.ValidatorSampling;
import dev.quarry.grail.protocol.python.PythonRandom;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ValidatorSampling#rolloutsToCheck} computed from each row's commit hash (SHA-256 of its
 * {@code commit} as compact sorted JSON) instead of the parsed commits, so a file of thousands of
 * rollouts never holds every row's parsed commitments at once: the group digest is the SHA-256 over
 * its rows' commit hashes in file order, exactly what {@code _group_digest} hashes. The tests hold
 * it to {@code ValidatorSampling} on the reference's vectors.
 */
final class RowSelection {

  private RowSelection() {}

  static ValidatorSampling.RolloutSelection select(ProtocolParameters parameters, List<Long> rolloutGroups,
      List<byte[]> commitHashes, String minerHotkey, Randomness challengeRandomness) {
    if (rolloutGroups.size() != commitHashes.size()) {
      throw new IllegalArgumentException("one commit hash per row expected");
    }
    int total = rolloutGroups.size();
    ProtocolParameters.Validation validation = parameters.validation();
    if (total <= validation.checkAllThreshold()) {
      List<Integer> all = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        all.add(i);
      }
      return new ValidatorSampling.RolloutSelection(all, List.of(), true);
    }
    Map<Long, List<Integer>> members = new LinkedHashMap<>();
    for (int i = 0; i < total; i++) {
      members.computeIfAbsent(rolloutGroups.get(i), key -> new ArrayList<>()).add(i);
    }
    int groupCount = members.size();
    int toCheck = Math.max(1, Math.min(groupCount, (int) (groupCount * validation.groupSampleRate())));
    toCheck = Math.min(toCheck, validation.maxSamplesPerMiner() / parameters.rollouts().rolloutsPerProblem());

    Map<Long, String> digests = new LinkedHashMap<>();
    for (Map.Entry<Long, List<Integer>> group : members.entrySet()) {
      MessageDigest digest = sha256();
      for (int row : group.getValue()) {
        digest.update(commitHashes.get(row));
      }
      digests.put(group.getKey(), Hex.encode(digest.digest()));
    }
    List<Long> ordered = new ArrayList<>(members.keySet());
    ordered.sort(Comparator.comparing(digests::get));
    byte[] seedHash = sha256().digest((minerHotkey + ":" + challengeRandomness.hex()).getBytes(StandardCharsets.UTF_8));
    PythonRandom random = PythonRandom.fromUnsignedLong(ByteBuffer.wrap(seedHash, 0, 8).getLong());
    List<Long> chosen = random.sample(ordered, toCheck);
    List<Integer> rows = new ArrayList<>();
    for (Long group : chosen) {
      rows.addAll(members.get(group));
    }
    rows.sort(null);
    return new ValidatorSampling.RolloutSelection(rows, chosen, false);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
