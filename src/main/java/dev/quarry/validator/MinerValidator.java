package dev.quarry.validator;

import dev.quarry.env.Evaluation;
import dev.quarry.grail.protocol.Challenges;
import dev.quarry.grail.protocol.CompletionDigest;
import dev.quarry.grail.protocol.ProblemSeeds;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.ValidatorSampling;
import dev.quarry.grail.protocol.python.PythonJson;
import dev.quarry.grail.rollout.CompletionScoring;
import dev.quarry.grail.rollout.PreparedProblem;
import dev.quarry.grail.rollout.ProblemPreparer;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.ProofOptions;
import dev.quarry.storage.checkpoint.GenerationParams;
import dev.quarry.storage.window.RolloutRow;
import dev.quarry.validator.checks.Check;
import dev.quarry.validator.checks.CheckResult;
import dev.quarry.validator.checks.EnvironmentEvaluationCheck;
import dev.quarry.validator.checks.FileStructureCheck;
import dev.quarry.validator.checks.GrpoGroupCheck;
import dev.quarry.validator.checks.LogprobCheck;
import dev.quarry.validator.checks.PromptCheck;
import dev.quarry.validator.checks.ProofCheck;
import dev.quarry.validator.checks.Rejection;
import dev.quarry.validator.checks.RewardCheck;
import dev.quarry.validator.checks.RowConsistencyChecks;
import dev.quarry.validator.checks.RowUnderTest;
import dev.quarry.validator.checks.SchemaCheck;
import dev.quarry.validator.checks.SoftGate;
import dev.quarry.validator.checks.TerminationCheck;
import dev.quarry.validator.checks.TokenDistributionCheck;
import dev.quarry.validator.checks.TokensCheck;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one miner's window file as {@code MinerValidator.validate_miner} does: structure of every
 * row, the deterministic choice of rows, one batched forward pass, every per-row check in the
 * reference order (the first hard failure stops the miner; soft failures count towards their
 * gates), the GRPO group checks, and the estimates. Copycat detection needs every miner of the
 * window and happens afterwards ({@link WindowValidator}).
 *
 * <p>Not thread-safe (the model is used by one caller at a time); one instance per window.
 */
public final class MinerValidator {

  private static final Logger LOG = LoggerFactory.getLogger(MinerValidator.class);

  /** One miner's result, with the completion digests copycat detection needs (null unless valid). */
  public record Outcome(WindowValidation validation, Map<String, Integer> completionDigests) {}

  private final ValidationSetup setup;
  private final ProtocolParameters parameters;
  private final FileStructureCheck structure;
  private final SchemaCheck schema;
  private final TokensCheck tokens;
  private final ProofCheck proof;
  private final TerminationCheck termination;
  private final RewardCheck reward;
  private final LogprobCheck logprobs;
  private final TokenDistributionCheck distribution;
  private final GrpoGroupCheck grpo;
  private final ProofOptions proofOptions;
  private final Challenges challenges;

  public MinerValidator(ValidationSetup setup) {
    this.setup = Objects.requireNonNull(setup, "setup");
    this.parameters = setup.parameters();
    CausalLanguageModel model = setup.model();
    GenerationParams generation = setup.environment().generation();
    ProtocolParameters.Rollouts rollouts = parameters.rollouts();
    this.structure = new FileStructureCheck(rollouts.rolloutsPerProblem());
    this.schema = new SchemaCheck(parameters.proof().challengeK(), rollouts.maxNewTokensCap());
    this.tokens = new TokensCheck(model.config().vocabSize(), model.config().maxPositionEmbeddings());
    this.proof = new ProofCheck(parameters);
    this.termination = new TerminationCheck(generation.maxNewTokens(), model.eosTokenId(), rollouts.minEosProbability());
    this.reward = new RewardCheck(rollouts.rewardRelativeTolerance(), rollouts.rewardAbsoluteTolerance());
    this.logprobs = new LogprobCheck(parameters.proof().challengeK(), rollouts.logprobMedianDeviation());
    this.distribution = new TokenDistributionCheck(TokenDistributionCheck.Thresholds.v5());
    this.grpo = new GrpoGroupCheck(parameters);
    this.proofOptions = ProofOptions.validator(model.eosTokenId(), generation.temperature(), generation.repetitionPenalty());
    this.challenges = new Challenges(parameters.proof());
  }

  public Outcome validate(MinerFile minerFile) {
    String hotkey = minerFile.hotkey();
    List<RolloutRow> fileRows = minerFile.file().rows();
    // Every row's JSON columns must parse (the reference's reader loads them all); only the hash of
    // each row's commit is kept, so large files never hold every row's parsed commitments.
    List<Long> groups = new ArrayList<>(fileRows.size());
    List<byte[]> commitHashes = new ArrayList<>(fileRows.size());
    try {
      for (int i = 0; i < fileRows.size(); i++) {
        RowUnderTest parsed = RowUnderTest.parse(i, fileRows.get(i));
        groups.add(fileRows.get(i).rolloutGroup());
        commitHashes.add(RowSelection.sha256().digest(PythonJson.dumps(parsed.pythonCommit(), PythonJson.Style.COMPACT_SORTED)
            .getBytes(StandardCharsets.UTF_8)));
      }
    } catch (IllegalArgumentException unreadable) {
      return new Outcome(WindowValidation.unchecked(hotkey, minerFile.uid(), setup.window(), MinerStatus.NOT_FOUND,
          "the reference's reader cannot load this file (" + unreadable.getMessage() + ") and treats it as missing",
          minerFile.upload()), null);
    }

    Optional<Rejection> badStructure = structure.check(minerFile.file(), hotkey, setup.window(), setup.windowBlockHash());
    if (badStructure.isPresent()) {
      return failed(minerFile, badStructure.get(), false, List.of(), List.of(), Estimates.failed(0, 0), Map.of());
    }

    ValidatorSampling.RolloutSelection selection = RowSelection.select(parameters, groups, commitHashes, hotkey,
        setup.challengeRandomness());
    List<RowUnderTest> selected = new ArrayList<>();
    for (int index : selection.rowIndices()) {
      selected.add(RowUnderTest.parse(index, fileRows.get(index)));
    }

    // One batched pass over every chosen row, run when the first row reaches a check that needs it
    // (rows rejected before the pipeline cost no forward pass; the results are the same either way).
    Map<Integer, BatchedForward.Evidence> evidence = new HashMap<>();
    boolean[] forwardDone = {false};
    java.util.function.IntFunction<BatchedForward.Evidence> evidenceFor = index -> {
      if (!forwardDone[0]) {
        long started = System.nanoTime();
        try {
          evidence.putAll(BatchedForward.run(setup.model(), selected, setup.challengeRandomness(), challenges, proofOptions));
        } catch (RuntimeException failure) {
          throw new ForwardPassException("the validator's forward pass over " + selected.size() + " rows of " + hotkey
              + " failed: " + failure.getMessage(), failure);
        }
        forwardDone[0] = true;
        LOG.debug("forward pass over {} rows of {} in {} ms", selected.size(), hotkey, (System.nanoTime() - started) / 1_000_000);
      }
      return evidence.get(index);
    };

    ProblemPreparer preparer = new ProblemPreparer(setup.environment().environment(), setup.environment().thinkingMode(),
        setup.model().chatTemplate(), setup.model().tokenizer(), hotkey, setup.windowBlockHash());
    Map<Long, Preparation> problems = new HashMap<>();
    RowConsistencyChecks consistency = new RowConsistencyChecks(setup.window(), setup.windowBlockHash(),
        setup.checkpointWindow());
    Map<Check, Double> softThresholds = new LinkedHashMap<>();
    softThresholds.put(Check.REWARD, parameters.validation().rewardSoftThreshold());
    softThresholds.put(Check.TOKEN_DISTRIBUTION, parameters.validation().distributionSoftThreshold());
    SoftGate gate = new SoftGate(softThresholds, selected.size());

    List<RowReport> reports = new ArrayList<>();
    List<RowUnderTest> grouped = new ArrayList<>();
    Set<String> unique = new HashSet<>();
    long checked = 0;
    long valid = 0;
    long successful = 0;
    Rejection failure = null;
    for (RowUnderTest row : selected) {
      checked++;
      Map<String, Object> measures = new LinkedHashMap<>();
      List<Rejection> softFailures = new ArrayList<>();
      try {
        CheckResult pre = firstFailure(consistency.checkpointWindow(row), consistency.consistency(row),
            RowConsistencyChecks.rolloutSignature(row));
        if (pre != null) {
          failure = pre.rejection();
          reports.add(report(row, RowReport.Outcome.FAILED, failure, softFailures, measures));
          break;
        }
        grouped.add(row);
        List<CheckResult> results = pipeline(row, hotkey, preparer, problems, () -> evidenceFor.apply(row.index()));
        Rejection hard = null;
        for (CheckResult result : results) {
          measures.putAll(result.measures());
          if (!result.passed() && !result.check().soft()) {
            hard = result.rejection();
          }
        }
        if (hard != null) {
          failure = hard;
          reports.add(report(row, RowReport.Outcome.FAILED, failure, softFailures, measures));
          break;
        }
        Rejection tripped = null;
        for (CheckResult result : results) {
          if (result.passed() || !result.check().soft()) {
            continue;
          }
          softFailures.add(result.rejection());
          if (gate.recordFailure(result.check())) {
            tripped = new Rejection(result.check(), row.index(), String.format(Locale.ROOT,
                "soft gate: failed on %d of %d rows to check (gate at %d, %.0f%%); this row: %s",
                gate.failures(result.check()), selected.size(), gate.cutoff(result.check()),
                softThresholds.get(result.check()) * 100, result.rejection().reason()));
            break;
          }
        }
        if (tripped != null) {
          failure = tripped;
          softFailures.remove(softFailures.size() - 1);
          reports.add(report(row, RowReport.Outcome.SOFT_GATE, failure, softFailures, measures));
          break;
        }
        valid++;
        if (row.rollout().success()) {
          successful++;
        }
        int[] completion = row.completionTokensAsSliced();
        if (row.commit().tokenCount() > 0) {
          unique.add(CompletionDigest.hex(completion, 0));
        }
        reports.add(report(row, RowReport.Outcome.VALID, null, softFailures, measures));
      } catch (ForwardPassException validatorSide) {
        throw validatorSide;
      } catch (RuntimeException unexpected) {
        LOG.warn("error while checking row {} of {}: {}", row.index(), hotkey, unexpected.toString());
        reports.add(report(row, RowReport.Outcome.ERROR, Rejection.ofRow(Check.PROCESSING, row.index(),
            unexpected.getClass().getSimpleName() + ": " + unexpected.getMessage()), softFailures, measures));
      }
    }

    Map<String, Integer> softCounts = new LinkedHashMap<>();
    gate.failureCounts().forEach((check, count) -> softCounts.put(check.key(), count));
    long total = fileRows.size();
    if (failure != null) {
      return failed(minerFile, failure, selection.checkedAll(), selection.groups(), reports,
          Estimates.failed(total, checked), softCounts);
    }
    Optional<Rejection> badGroup = grpo.check(grouped);
    if (badGroup.isPresent()) {
      return failed(minerFile, badGroup.get(), selection.checkedAll(), selection.groups(), reports,
          Estimates.failed(total, checked), softCounts);
    }
    Map<String, Integer> digests = new HashMap<>();
    for (int i = 0; i < fileRows.size(); i++) {
      RowUnderTest row = new RowUnderTest(i, fileRows.get(i), null, null);
      if (row.commit().tokenCount() > 0) {
        digests.merge(CompletionDigest.hex(row.completionTokensAsSliced(), 0), 1, Integer::sum);
      }
    }
    WindowValidation validation = new WindowValidation(hotkey, minerFile.uid(), setup.window(), MinerStatus.VALID, null,
        null, minerFile.upload(), selection.checkedAll(), selection.groups(), reports,
        Estimates.of(total, checked, valid, successful, unique.size()), softCounts, List.of());
    return new Outcome(validation, digests);
  }

  /** The pipeline of {@code create_env_validation_pipeline}, stopping at the first hard failure. */
  /** A group's rebuilt problem, or why it could not be rebuilt (prepared once per group). */
  private record Preparation(PreparedProblem problem, RuntimeException failure) {}

  private List<CheckResult> pipeline(RowUnderTest row, String hotkey, ProblemPreparer preparer, Map<Long, Preparation> problems,
      java.util.function.Supplier<BatchedForward.Evidence> forward) {
    List<CheckResult> results = new ArrayList<>();
    if (!add(results, guarded(Check.SCHEMA, row, () -> schema.check(row)))) {
      return results;
    }
    if (!add(results, guarded(Check.TOKENS, row, () -> tokens.check(row)))) {
      return results;
    }
    long group = row.row().rolloutGroup();
    Preparation prepared = problems.computeIfAbsent(group, key -> {
      try {
        return new Preparation(preparer.prepare(key), null);
      } catch (RuntimeException failure) {
        return new Preparation(null, failure);
      }
    });
    PreparedProblem problem = prepared.problem();
    CheckResult prompt = problem != null
        ? guarded(Check.PROMPT, row, () -> PromptCheck.check(row, problem.promptTokens(), problem.seed()))
        : PromptCheck.unavailable(row, ProblemSeeds.environmentSeed(hotkey, setup.windowBlockHash(), group),
            prepared.failure().getMessage());
    if (!add(results, prompt)) {
      return results;
    }
    BatchedForward.Evidence evidence = forward.get();
    if (!add(results, guarded(Check.PROOF, row,
        () -> proof.check(row, hotkey, setup.checkpointWindow(), evidence == null ? null : evidence.challenged())))) {
      return results;
    }
    if (!add(results, guarded(Check.TERMINATION, row,
        () -> termination.check(row, evidence == null ? null : evidence.eosProbability())))) {
      return results;
    }
    EnvironmentEvaluationCheck.Outcome evaluated = EnvironmentEvaluationCheck.check(row, () -> evaluate(row, problem));
    if (!add(results, evaluated.result())) {
      return results;
    }
    Evaluation evaluation = evaluated.evaluation();
    add(results, guarded(Check.REWARD, row, () -> reward.check(row, evaluation.reward())));
    if (!add(results, guarded(Check.LOGPROBS, row, () -> logprobs.check(row,
        evidence == null ? null : evidence.challenged().positions(), evidence == null ? null : evidence.completionLogprobs())))) {
      return results;
    }
    add(results, guarded(Check.TOKEN_DISTRIBUTION, row,
        () -> distribution.check(row, evidence == null ? null : evidence.chosenProbabilities())));
    return results;
  }

  private Evaluation evaluate(RowUnderTest row, PreparedProblem problem) {
    int[] all = row.commit().tokens();
    int start = row.rollout().promptLength();
    int completionLength = row.rollout().completionLength();
    int end = completionLength > 0 ? start + completionLength : all.length;
    int[] completion = java.util.Arrays.copyOfRange(all, start, end);
    return CompletionScoring.evaluate(setup.environment().environment(), problem.problem(),
        setup.environment().thinkingMode(), setup.model().tokenizer(), completion);
  }

  /** Adds a result; false when it is a hard failure (the pipeline stops). */
  private static boolean add(List<CheckResult> results, CheckResult result) {
    results.add(result);
    return result.passed() || result.check().soft();
  }

  /** A check that throws fails, as the reference's pipeline treats a crashing validator. */
  private static CheckResult guarded(Check check, RowUnderTest row, java.util.function.Supplier<CheckResult> run) {
    try {
      return run.get();
    } catch (RuntimeException crash) {
      return CheckResult.fail(check, row.index(), "the check raised " + crash.getClass().getSimpleName() + ": "
          + crash.getMessage());
    }
  }

  private static CheckResult firstFailure(CheckResult... results) {
    for (CheckResult result : results) {
      if (!result.passed()) {
        return result;
      }
    }
    return null;
  }

  private static RowReport report(RowUnderTest row, RowReport.Outcome outcome, Rejection failure, List<Rejection> softFailures,
      Map<String, Object> measures) {
    return new RowReport(row.index(), row.row().rolloutGroup(), row.row().nonce(), outcome, failure, softFailures, measures);
  }

  private Outcome failed(MinerFile minerFile, Rejection failure, boolean checkedAll, List<Long> groups, List<RowReport> rows,
      Estimates estimates, Map<String, Integer> softCounts) {
    return new Outcome(new WindowValidation(minerFile.hotkey(), minerFile.uid(), setup.window(), MinerStatus.FAILED, failure,
        null, minerFile.upload(), checkedAll, groups, rows, estimates, softCounts, List.of()), null);
  }

  /**
   * The model could not run the chosen rows (out of memory, a device error): a problem of this
   * validator, so it is raised to the caller instead of failing the miner.
   */
  public static final class ForwardPassException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ForwardPassException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
