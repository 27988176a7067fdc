package dev.quarry.god;

import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Ss58;
import dev.quarry.grail.protocol.python.PythonFloats;
import dev.quarry.grail.protocol.python.PythonJson;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /training_repo/{task_type}} as G.O.D's miner answers it, without the HTTP server: the
 * route's dependencies run in G.O.D's order — Fiber's {@code blacklist_low_stake}, then {@code
 * verify_get_request} — and FastAPI's request validation collects missing headers and a bad
 * {@code task_type} into one 422. Status codes and bodies are Fiber's and FastAPI's, byte for byte:
 *
 * <table>
 *   <caption>answers</caption>
 *   <tr><th>status</th><th>when</th><th>body</th></tr>
 *   <tr><td>403</td><td>validator hotkey not in the metagraph</td><td>{@code {"detail":"Hotkey not found in metagraph"}}</td></tr>
 *   <tr><td>403</td><td>its stake is below {@code MIN_STAKE_THRESHOLD}</td><td>{@code {"detail":"Insufficient stake of 999.5 "}}</td></tr>
 *   <tr><td>401</td><td>nonce replayed, unreadable, or outside ±120 s</td><td>{@code {"detail":"Oi, that nonce is not valid!"}}</td></tr>
 *   <tr><td>401</td><td>signature does not verify</td><td>{@code {"detail":"Oi, invalid signature, you're not who you said you were!"}}</td></tr>
 *   <tr><td>401</td><td>{@code miner-hotkey} is not this miner</td><td>{@code {"detail":"Oi, invalid miner hotkey - that's not me!"}}</td></tr>
 *   <tr><td>500</td><td>signature header without {@code 0x} (Fiber raises an uncaught {@code TypeError})</td><td>{@code Internal Server Error}</td></tr>
 *   <tr><td>422</td><td>headers missing and/or unknown task type</td><td>FastAPI's {@code {"detail":[...]}}</td></tr>
 *   <tr><td>404</td><td>a family this miner has no repository for (Quarry's addition)</td><td>{@code {"detail":"..."}}</td></tr>
 *   <tr><td>200</td><td>authenticated</td><td>{@code {"github_repo","commit_hash","github_token","requested_datasets"}}</td></tr>
 * </table>
 *
 * <p>Thread-safe: state lives in the {@link NonceCache} and the stakes supplier.
 */
public final class TrainingRepoEndpoint {

  private static final Logger log = LoggerFactory.getLogger(TrainingRepoEndpoint.class);

  public static final String VALIDATOR_HOTKEY = "validator-hotkey";
  public static final String MINER_HOTKEY = "miner-hotkey";
  public static final String NONCE = "nonce";
  public static final String SIGNATURE = "signature";

  static final String NOT_IN_METAGRAPH = "Hotkey not found in metagraph";
  static final String BAD_NONCE = "Oi, that nonce is not valid!";
  static final String BAD_SIGNATURE = "Oi, invalid signature, you're not who you said you were!";
  static final String NOT_ME = "Oi, invalid miner hotkey - that's not me!";

  /** Why a request got its answer; the metrics label. */
  public enum Outcome {
    SERVED, MISSING_HEADERS, UNKNOWN_VALIDATOR, LOW_STAKE, INVALID_NONCE, INVALID_SIGNATURE, WRONG_MINER_HOTKEY,
    UNREADABLE_SIGNATURE, UNKNOWN_TASK_TYPE, NOT_CONFIGURED
  }

  /** One HTTP answer. {@code body} may hold a GitHub token: never log it. */
  public record Answer(int status, String contentType, String body, Outcome outcome) {
    @Override
    public String toString() {
      return "Answer[" + status + " " + outcome + "]";
    }
  }

  public static final String JSON = "application/json";
  public static final String TEXT = "text/plain; charset=utf-8";

  private final String minerHotkey;
  private final Map<TournamentType, TrainingRepo> repos;
  private final BigInteger minStakeThreshold;
  private final Supplier<MetagraphStakes> stakes;
  private final NonceCache nonces;

  /**
   * @param minerHotkey this miner's hotkey; requests naming another are refused
   * @param repos the answer per family; a family without one gets 404
   * @param minStakeThreshold Fiber's {@code MIN_STAKE_THRESHOLD}, TAO
   * @param stakes the current metagraph (read on every request; must be cheap)
   * @param nonces the replay cache
   */
  public TrainingRepoEndpoint(AccountId minerHotkey, Map<TournamentType, TrainingRepo> repos, BigInteger minStakeThreshold,
      Supplier<MetagraphStakes> stakes, NonceCache nonces) {
    this.minerHotkey = Ss58.encode(minerHotkey.bytes());
    this.repos = Map.copyOf(repos);
    this.minStakeThreshold = minStakeThreshold;
    this.stakes = stakes;
    this.nonces = nonces;
  }

  /**
   * Answers one request.
   *
   * @param taskType the decoded last path segment
   * @param header the first value of a header by lower-case name, empty when absent
   */
  public Answer handle(String taskType, Function<String, Optional<String>> header) {
    List<Map<String, Object>> errors = new ArrayList<>();

    // Dependency 1: blacklist_low_stake(validator_hotkey).
    Optional<String> validatorHotkey = header.apply(VALIDATOR_HOTKEY);
    if (validatorHotkey.isEmpty()) {
      errors.add(missing(VALIDATOR_HOTKEY));
    } else {
      Optional<Double> stake = stakes.get().stakeOf(validatorHotkey.get());
      if (stake.isEmpty()) {
        return detail(403, NOT_IN_METAGRAPH, Outcome.UNKNOWN_VALIDATOR);
      }
      if (MetagraphStakes.isBelow(stake.get(), minStakeThreshold)) {
        return detail(403, "Insufficient stake of " + PythonFloats.repr(stake.get()) + " ", Outcome.LOW_STAKE);
      }
    }

    // Dependency 2: verify_get_request(validator_hotkey, signature, miner_hotkey, nonce).
    List<String> names = List.of(VALIDATOR_HOTKEY, SIGNATURE, MINER_HOTKEY, NONCE);
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : names) {
      Optional<String> value = header.apply(name);
      if (value.isEmpty()) {
        errors.add(missing(name));
      } else {
        values.put(name, value.get());
      }
    }
    if (values.size() == names.size()) {
      Optional<Answer> refused = verify(values.get(VALIDATOR_HOTKEY), values.get(SIGNATURE), values.get(MINER_HOTKEY),
          values.get(NONCE));
      if (refused.isPresent()) {
        return refused.get();
      }
    }

    // The endpoint's own parameter: task_type: TournamentType.
    Optional<TournamentType> type = TournamentType.fromWireName(taskType);
    if (type.isEmpty()) {
      errors.add(enumError(taskType));
    }
    if (!errors.isEmpty()) {
      Outcome outcome = type.isEmpty() && errors.size() == 1 ? Outcome.UNKNOWN_TASK_TYPE : Outcome.MISSING_HEADERS;
      return json(422, Map.of("detail", errors), outcome);
    }

    TrainingRepo repo = repos.get(type.get());
    if (repo == null) {
      return detail(404, "No training repository is configured for " + type.get().wireName() + " tournaments",
          Outcome.NOT_CONFIGURED);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("github_repo", repo.githubRepo());
    body.put("commit_hash", repo.commitHash());
    body.put("github_token", repo.githubToken().map(dev.quarry.config.Secret::reveal).orElse(null));
    body.put("requested_datasets", repo.requestedDatasets().isEmpty() ? null : repo.requestedDatasets());
    return json(200, body, Outcome.SERVED);
  }

  private Optional<Answer> verify(String validatorHotkey, String signature, String claimedMiner, String nonce) {
    NonceCache.Admission admission = nonces.admit(nonce);
    String message = FiberSignatures.getMessage(nonce, claimedMiner);
    Optional<AccountId> signer = signer(validatorHotkey);
    if (!admission.accepted()) {
      // A nonce from the future that the validator really signed could be replayed once it is fresh;
      // confirming it keeps it until then. (The answer is Fiber's either way.)
      if (admission.outcome() == NonceCache.Outcome.TOO_NEW && signer.isPresent()
          && FiberSignatures.verify(message, signature, signer.get()) == FiberSignatures.Verdict.VALID) {
        nonces.confirm(nonce);
      }
      log.debug("refused nonce from {}: {}", validatorHotkey, admission.outcome());
      return Optional.of(detail(401, BAD_NONCE, Outcome.INVALID_NONCE));
    }
    FiberSignatures.Verdict verdict = signer.isEmpty()
        ? FiberSignatures.Verdict.INVALID
        : FiberSignatures.verify(message, signature, signer.get());
    if (verdict == FiberSignatures.Verdict.UNREADABLE) {
      log.debug("signature from {} does not start with 0x (Fiber fails such requests with 500)", validatorHotkey);
      return Optional.of(new Answer(500, TEXT, "Internal Server Error", Outcome.UNREADABLE_SIGNATURE));
    }
    if (verdict == FiberSignatures.Verdict.INVALID) {
      log.debug("invalid signature from {}", validatorHotkey);
      return Optional.of(detail(401, BAD_SIGNATURE, Outcome.INVALID_SIGNATURE));
    }
    if (!nonces.confirm(nonce)) {
      // Only when the confirmed-nonce cap is reached: refuse rather than risk a replay.
      log.warn("the nonce cache is full; refusing a signed request from {} until old nonces expire", validatorHotkey);
      return Optional.of(detail(401, BAD_NONCE, Outcome.INVALID_NONCE));
    }
    if (!claimedMiner.equals(minerHotkey)) {
      log.debug("{} addressed miner {}, not this one", validatorHotkey, claimedMiner);
      return Optional.of(detail(401, NOT_ME, Outcome.WRONG_MINER_HOTKEY));
    }
    return Optional.empty();
  }

  /** substrate-interface's {@code Keypair(ss58_address=...)}: any SS58 format; a bad address is "invalid". */
  private static Optional<AccountId> signer(String ss58) {
    try {
      return Optional.of(Ss58.decode(ss58).accountId());
    } catch (IllegalArgumentException notAnAddress) {
      return Optional.empty();
    }
  }

  private static Map<String, Object> missing(String header) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", "missing");
    error.put("loc", List.of("header", header));
    error.put("msg", "Field required");
    error.put("input", null);
    return error;
  }

  /** pydantic's enum error, e.g. {@code Input should be 'text', 'image' or 'environment'}. */
  private static Map<String, Object> enumError(String input) {
    List<String> quoted = Arrays.stream(TournamentType.values()).map(type -> "'" + type.wireName() + "'").toList();
    String expected = quoted.size() == 1 ? quoted.get(0)
        : quoted.subList(0, quoted.size() - 1).stream().collect(Collectors.joining(", ")) + " or " + quoted.get(quoted.size() - 1);
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", "enum");
    error.put("loc", List.of("path", "task_type"));
    error.put("msg", "Input should be " + expected);
    error.put("input", input);
    error.put("ctx", Map.of("expected", expected));
    return error;
  }

  private static Answer detail(int status, String detail, Outcome outcome) {
    return json(status, Map.of("detail", detail), outcome);
  }

  /** Starlette's {@code JSONResponse}: {@code json.dumps(..., ensure_ascii=False, separators=(",", ":"))}. */
  private static Answer json(int status, Map<String, Object> body, Outcome outcome) {
    return new Answer(status, JSON, PythonJson.dumps(body, PythonJson.Style.COMPACT_UNICODE), outcome);
  }
}
