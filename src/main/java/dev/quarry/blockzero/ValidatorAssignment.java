package dev.quarry.blockzero;

import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which validator each miner submits to ({@code mycelia/shared/cycle.py::assign_miners_to_validators}),
 * computed identically by miners and validators from the latest commitments of one expert group:
 * validators with their assignment seeds, miners with MinerCommit2 records.
 *
 * <ol>
 *   <li>combined seed = SHA-256 hex of the validators' seeds concatenated in hotkey order;
 *   <li>each validator takes {@code miners / validators} miners, and the {@code miners % validators}
 *       validators with the largest {@code h256("cap_bonus", seed, combined)} one more;
 *   <li>miners in ascending {@code h256("miner_order", hotkey, combined)} order each take the first
 *       validator, by descending {@code h256("preference", hotkey, seed, combined)}, with room left.
 * </ol>
 *
 * {@code h256(parts...)} is SHA-256 over each part's {@code str()} in UTF-8 followed by a zero
 * byte, read as a big-endian integer. Sorts are stable like Python's: validators with equal keys
 * keep their order in the input map (the chain's commitment order), so pass an ordered map.
 */
public final class ValidatorAssignment {

  private ValidatorAssignment() {}

  /**
   * Assigns {@code miners} to {@code validators} (hotkey to seed, in chain order).
   *
   * @return validator hotkey to its miners, every validator present; empty if there are no validators
   */
  public static Map<String, List<String>> assign(Map<String, Long> validators, List<String> miners) {
    if (validators.isEmpty()) {
      return Map.of();
    }
    String combined = combinedSeed(validators);
    List<String> validatorIds = new ArrayList<>(validators.keySet());
    int base = miners.size() / validatorIds.size();
    int bonus = miners.size() % validatorIds.size();
    List<String> ranked = new ArrayList<>(validatorIds);
    Map<String, BigInteger> bonusKeys = new HashMap<>();
    validatorIds.forEach(id -> bonusKeys.put(id, h256("cap_bonus", validators.get(id), combined)));
    ranked.sort(Comparator.comparing(bonusKeys::get, Comparator.reverseOrder()));
    Map<String, Integer> capacity = new LinkedHashMap<>();
    validatorIds.forEach(id -> capacity.put(id, base));
    ranked.subList(0, bonus).forEach(id -> capacity.merge(id, 1, Integer::sum));

    List<String> orderedMiners = new ArrayList<>(miners);
    Map<String, BigInteger> minerKeys = new HashMap<>();
    orderedMiners.forEach(miner -> minerKeys.put(miner, h256("miner_order", miner, combined)));
    orderedMiners.sort(Comparator.comparing(minerKeys::get));

    Map<String, List<String>> assignment = new LinkedHashMap<>();
    validatorIds.forEach(id -> assignment.put(id, new ArrayList<>()));
    for (String miner : orderedMiners) {
      List<String> preferences = new ArrayList<>(validatorIds);
      Map<String, BigInteger> preference = new HashMap<>();
      validatorIds.forEach(id -> preference.put(id, h256("preference", miner, validators.get(id), combined)));
      preferences.sort(Comparator.comparing(preference::get, Comparator.reverseOrder()));
      String chosen = preferences.stream().filter(id -> capacity.get(id) > 0).findFirst()
          .orElse(preferences.get(preferences.size() - 1));
      assignment.get(chosen).add(miner);
      capacity.merge(chosen, -1, Integer::sum);
    }
    Map<String, List<String>> frozen = new LinkedHashMap<>();
    assignment.forEach((id, assigned) -> frozen.put(id, List.copyOf(assigned)));
    return Collections.unmodifiableMap(frozen);
  }

  /** The validator a miner is assigned to, if any. */
  public static Optional<String> validatorOf(String miner, Map<String, List<String>> assignment) {
    return assignment.entrySet().stream().filter(entry -> entry.getValue().contains(miner)).map(Map.Entry::getKey).findFirst();
  }

  /** SHA-256 hex of the seeds' decimal strings concatenated in hotkey order. */
  public static String combinedSeed(Map<String, Long> validators) {
    List<String> ids = new ArrayList<>(validators.keySet());
    ids.sort(ModelHash.PYTHON_ORDER);
    StringBuilder joined = new StringBuilder();
    ids.forEach(id -> joined.append(pythonStr(validators.get(id))));
    return Hex.encode(Hashes.sha256(joined.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** Python's {@code str()} of the values that occur here (a missing seed is {@code None}). */
  private static String pythonStr(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Boolean flag) {
      return flag ? "True" : "False";
    }
    return String.valueOf(value);
  }

  /** {@code h256_int}: SHA-256 over each part's text and a zero byte, as a non-negative integer. */
  public static BigInteger h256(Object... parts) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Object part : parts) {
      data.writeBytes(pythonStr(part).getBytes(StandardCharsets.UTF_8));
      data.write(0);
    }
    return new BigInteger(1, Hashes.sha256(data.toByteArray()));
  }
}
