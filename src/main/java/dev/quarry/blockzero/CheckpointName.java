package dev.quarry.blockzero;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checkpoint directory's name and the version it encodes ({@code helper.parse_dynamic_filename}
 * reads {@code key_value_key_value} names). Two layouts exist:
 *
 * <ul>
 *   <li>the miner's own: {@code globalver_<G>_inneropt_<I>} (trained {@code I} steps from global version {@code G});
 *   <li>a validator's download: {@code uid_<uid>_hotkey_<ss58>_globalver_<G>} (inner step 0).
 * </ul>
 *
 * Checkpoints order by global version, then inner step. Names in neither layout, {@code .tmp_}
 * work directories and configuration files are not checkpoints (the reference would count any
 * name as version 0).
 */
public record CheckpointName(long globalVersion, long innerStep, Integer validatorUid, String validatorHotkey) {

  /** Oldest first. */
  public static final Comparator<CheckpointName> ORDER =
      Comparator.comparingLong(CheckpointName::globalVersion).thenComparingLong(CheckpointName::innerStep);

  private static final Pattern OWN = Pattern.compile("globalver_(\\d{1,18})_inneropt_(\\d{1,18})");
  private static final Pattern VALIDATOR = Pattern.compile("uid_(\\d{1,9})_hotkey_([1-9A-HJ-NP-Za-km-z]{40,60})_globalver_(\\d{1,18})");

  public static CheckpointName own(long globalVersion, long innerStep) {
    return new CheckpointName(globalVersion, innerStep, null, null);
  }

  public static CheckpointName validator(int uid, String hotkey, long globalVersion) {
    return new CheckpointName(globalVersion, 0, uid, hotkey);
  }

  /** Parses a directory name in either layout. */
  public static Optional<CheckpointName> parse(String name) {
    Matcher own = OWN.matcher(name);
    if (own.matches()) {
      return Optional.of(own(Long.parseLong(own.group(1)), Long.parseLong(own.group(2))));
    }
    Matcher validator = VALIDATOR.matcher(name);
    if (validator.matches()) {
      return Optional.of(validator(Integer.parseInt(validator.group(1)), validator.group(2), Long.parseLong(validator.group(3))));
    }
    return Optional.empty();
  }

  public boolean fromValidator() {
    return validatorHotkey != null;
  }

  /** The directory name. */
  public String directoryName() {
    return fromValidator()
        ? "uid_" + validatorUid + "_hotkey_" + validatorHotkey + "_globalver_" + globalVersion
        : "globalver_" + globalVersion + "_inneropt_" + innerStep;
  }

  /** Whether this version is strictly newer than {@code other}. */
  public boolean newerThan(CheckpointName other) {
    return ORDER.compare(this, other) > 0;
  }

  @Override
  public String toString() {
    return directoryName();
  }
}
