package dev.quarry.blockzero;

import java.util.Arrays;
import java.util.Optional;

/**
 * The phases of a BlockZero cycle, in order, with the exact names the subnet owner's phase
 * service uses ({@code mycelia/shared/cycle.py::PhaseNames}). Their lengths are not constants:
 * they come from the phase service (see {@link PhaseSchedule}).
 */
public enum PhaseName {
  /** Miners download the validators' new expert weights. */
  DISTRIBUTE("Distribute"),
  /** Miners train. */
  TRAIN("Train"),
  /** Miners commit their signed model hash; validators commit their assignment seed. */
  MINER_COMMIT_1("MinerCommit1"),
  /** Miners commit the model hash, version and expert group. */
  MINER_COMMIT_2("MinerCommit2"),
  /** Miners upload the committed checkpoint to their assigned validator. */
  SUBMISSION("Submission"),
  /** Validators evaluate. */
  VALIDATE("Validate"),
  /** Validators merge. */
  MERGE("Merge"),
  /** Validators commit their signed model hash. */
  VALIDATOR_COMMIT_1("ValidatorCommit1"),
  /** Validators commit their model hash and version. */
  VALIDATOR_COMMIT_2("ValidatorCommit2");

  private final String wireName;

  PhaseName(String wireName) {
    this.wireName = wireName;
  }

  /** The name on the wire, e.g. {@code "MinerCommit1"}. */
  public String wireName() {
    return wireName;
  }

  public static Optional<PhaseName> fromWire(String name) {
    return Arrays.stream(values()).filter(phase -> phase.wireName.equals(name)).findFirst();
  }
}
