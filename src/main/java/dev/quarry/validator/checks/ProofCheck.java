package dev.quarry.validator.checks;

import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Sr25519;
import dev.quarry.grail.protocol.CommitBinding;
import dev.quarry.grail.protocol.Commitments;
import dev.quarry.grail.protocol.HexCleaning;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.Sketch;
import dev.quarry.grail.protocol.SketchTolerance;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code proof_valid} ({@code GRAILProofValidator}), step by step as the reference: accepted proof
 * version; non-empty commitments, one per token; a completion of at least {@code challengeK}
 * tokens; the commit signature (the hotkey's sr25519 signature over the commit-binding digest of
 * tokens, beacon, model name, layer and commitments); the model binding ({@code checkpoint_window},
 * layer −1); the beacon present. Then, at each challenged position, the validator's sketch of its
 * own hidden state (with the miner's beacon coefficients) must lie within
 * {@code int(6000 + 5·√position)} of the committed one, modulo 2³¹−1. Every position is checked and
 * the report names the first failing one and how many failed.
 */
public final class ProofCheck {

  private final List<String> acceptedVersions;
  private final int challengeK;
  private final int layerIndex;
  private final long primeQ;
  private final Sketch sketch;
  private final SketchTolerance tolerance;

  public ProofCheck(ProtocolParameters parameters) {
    ProtocolParameters.Proof proof = parameters.proof();
    this.acceptedVersions = proof.acceptedVersions();
    this.challengeK = proof.challengeK();
    this.layerIndex = proof.layerIndex();
    this.primeQ = proof.primeQ();
    this.sketch = new Sketch(proof);
    this.tolerance = new SketchTolerance(proof);
  }

  /**
   * @param minerHotkey the hotkey whose file this is (the commit signature must be its)
   * @param validatorCheckpointWindow the checkpoint the validator loaded
   * @param states the validator's hidden states at the challenged positions; null when the forward
   *     pass could not run this row
   */
  public CheckResult check(RowUnderTest row, String minerHotkey, long validatorCheckpointWindow, ChallengedStates states) {
    int index = row.index();
    String version = row.commit().proofVersion();
    if (!acceptedVersions.contains(version)) {
      return CheckResult.fail(Check.PROOF, index, "proof_version '" + version + "' is not one of " + acceptedVersions);
    }
    if (!(row.commitments() instanceof List<?> commitments) || commitments.isEmpty()) {
      return CheckResult.fail(Check.PROOF, index, "commitments are missing or empty");
    }
    int tokenCount = row.commit().tokenCount();
    if (commitments.size() != tokenCount) {
      return CheckResult.fail(Check.PROOF, index, commitments.size() + " commitments for " + tokenCount + " tokens");
    }
    int completionLength = row.rollout().completionLength();
    if (completionLength < challengeK) {
      return CheckResult.fail(Check.PROOF, index, "completion has " + completionLength + " tokens, fewer than the "
          + challengeK + " challenged positions");
    }
    String signatureProblem = commitSignatureProblem(row, commitments, minerHotkey);
    if (signatureProblem != null) {
      return CheckResult.fail(Check.PROOF, index, signatureProblem);
    }
    if (row.row().checkpointWindow() != validatorCheckpointWindow) {
      return CheckResult.fail(Check.PROOF, index, "model binding: checkpoint_window " + row.row().checkpointWindow()
          + " is not the validator's " + validatorCheckpointWindow);
    }
    if (row.commit().model().layerIndex() != layerIndex) {
      return CheckResult.fail(Check.PROOF, index, "model.layer_index is " + row.commit().model().layerIndex()
          + ", the proof layer is " + layerIndex);
    }
    String randomness = row.beaconRandomness();
    if (randomness == null) {
      return CheckResult.fail(Check.PROOF, index, "beacon.randomness is missing");
    }
    if (states == null) {
      return CheckResult.fail(Check.PROOF, index, "the validator's forward pass could not run this sequence");
    }
    int[] coefficients;
    try {
      coefficients = sketch.coefficients(HexCleaning.toBytes(randomness));
    } catch (IllegalArgumentException notHex) {
      return CheckResult.fail(Check.PROOF, index, "beacon.randomness is not hex: " + notHex.getMessage());
    }

    int failures = 0;
    String firstFailure = null;
    long maxDistance = Long.MIN_VALUE;
    int maxDistancePosition = -1;
    for (int i = 0; i < states.positions().length; i++) {
      int position = states.positions()[i];
      if (position >= commitments.size()) {
        return CheckResult.fail(Check.PROOF, index, "challenged position " + position + " has no commitment ("
            + commitments.size() + " commitments)");
      }
      Object claimed = commitments.get(position) instanceof Map<?, ?> entry ? entry.get("sketch") : null;
      if (!(claimed instanceof Number) && !(claimed instanceof Boolean)) {
        return CheckResult.fail(Check.PROOF, index, "commitment at position " + position + " has no numeric 'sketch' ("
            + SchemaCheck.describe(claimed) + ")");
      }
      long ours = sketch.commit(states.hiddenStates()[i], coefficients);
      double distance = distance(ours, claimed);
      long allowed = tolerance.tolerance(position);
      if (distance > maxDistance) {
        maxDistance = (long) distance;
        maxDistancePosition = position;
      }
      if (!(distance <= allowed)) {
        failures++;
        if (firstFailure == null) {
          firstFailure = "position " + position + " distance " + format(distance) + " > tolerance " + allowed
              + " (validator sketch " + ours + ", committed " + claimed + ")";
        }
      }
    }
    Map<String, Object> measures = new LinkedHashMap<>();
    measures.put("challenged_positions", states.positions().length);
    measures.put("max_sketch_distance", maxDistance);
    measures.put("max_distance_position", maxDistancePosition);
    measures.put("failed_positions", failures);
    if (failures > 0) {
      return CheckResult.fail(Check.PROOF, index, firstFailure + "; " + failures + " of " + states.positions().length
          + " challenged positions failed", measures);
    }
    return CheckResult.pass(Check.PROOF, measures);
  }

  /** {@code verify_commit_signature}: null when the binding verifies, otherwise why not. */
  private static String commitSignatureProblem(RowUnderTest row, List<?> commitments, String minerHotkey) {
    byte[] signature;
    try {
      signature = HexCleaning.fromHex(row.commit().signature());
    } catch (IllegalArgumentException notHex) {
      return "commit signature is not hex: " + notHex.getMessage();
    }
    String randomness = row.beaconRandomness();
    if (randomness == null) {
      return "commit signature cannot be checked: beacon.randomness is missing";
    }
    byte[] digest;
    try {
      digest = CommitBinding.digest(row.commit().tokens(), randomness, row.commit().model().name(),
          row.commit().model().layerIndex(), Commitments.hashParsed(commitments));
    } catch (IllegalArgumentException unusable) {
      return "commit signature cannot be checked: " + unusable.getMessage();
    }
    AccountId prover;
    try {
      prover = AccountId.fromSs58(minerHotkey);
    } catch (IllegalArgumentException notAnAddress) {
      return "commit signature cannot be checked: the miner hotkey is not an SS58 address";
    }
    if (signature.length != Sr25519.SIGNATURE_LENGTH
        || !Sr25519.verifyAllowingBytesWrapper(prover.bytes(), digest, signature)) {
      return "commit signature does not verify for " + minerHotkey
          + " over the binding of tokens, beacon, model name, layer and commitments";
    }
    return null;
  }

  /** {@code min(|v − m|, q − |v − m|)} with Python's int or float arithmetic, as the claimed value's type dictates. */
  private double distance(long validatorSketch, Object claimed) {
    if (claimed instanceof Double || claimed instanceof Float) {
      double difference = Math.abs(validatorSketch - ((Number) claimed).doubleValue());
      return Math.min(difference, primeQ - difference);
    }
    BigInteger miner = claimed instanceof Boolean flag ? BigInteger.valueOf(flag ? 1 : 0)
        : claimed instanceof BigInteger big ? big : BigInteger.valueOf(((Number) claimed).longValue());
    BigInteger difference = BigInteger.valueOf(validatorSketch).subtract(miner).abs();
    BigInteger wrapped = BigInteger.valueOf(primeQ).subtract(difference);
    return difference.min(wrapped).doubleValue();
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }
}
