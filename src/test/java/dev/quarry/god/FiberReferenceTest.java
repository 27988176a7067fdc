package dev.quarry.god;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.crypto.AccountId;
import java.math.BigInteger;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Replays every request the reference harness sent to Fiber 2.4.0's own miner dependencies (in
 * FastAPI, signatures by Rust schnorrkel) and expects the same status and the same body bytes.
 */
class FiberReferenceTest {

  private static final JsonNode REFERENCE = GodVectors.load("fiber_reference.json");
  private static final Pattern ROUTE = Pattern.compile("/training_repo/([^/]+)");

  @Test
  void everyAnswerOfTheReferenceIsReproduced() {
    AtomicLong now = new AtomicLong();
    TrainingRepoEndpoint endpoint = endpoint(REFERENCE, now);
    int replayed = 0;
    for (JsonNode step : REFERENCE.path("steps")) {
      Matcher route = ROUTE.matcher(step.path("path").asText());
      if (!route.matches() || !step.path("method").asText().equals("GET")) {
        continue; // routing answers (404, 405) are checked over HTTP in GodMinerServiceTest
      }
      now.set(Long.parseLong(step.path("now_ns").asText()));
      TrainingRepoEndpoint.Answer answer = endpoint.handle(route.group(1), headers(step));
      String name = step.path("name").asText();
      if (step.has("quarry")) {
        assertThat(answer.status()).as("%s (a documented difference: %s)", name, step.path("quarry").path("why").asText())
            .isEqualTo(step.path("quarry").path("status").asInt());
      } else {
        assertThat(answer.status()).as(name).isEqualTo(step.path("status").asInt());
        assertThat(answer.body()).as(name).isEqualTo(step.path("body").asText());
        assertThat(step.path("content_type").asText()).as(name).startsWith(answer.contentType().split(";")[0]);
      }
      replayed++;
    }
    assertThat(replayed).isGreaterThan(55);
  }

  static TrainingRepoEndpoint endpoint(JsonNode reference, AtomicLong now) {
    Map<String, Double> stakes = new HashMap<>();
    reference.path("stakes_rao").fields().forEachRemaining(entry ->
        stakes.put(entry.getKey(), MetagraphStakes.fiberStake(Long.parseLong(entry.getValue().asText()))));
    MetagraphStakes metagraph = new MetagraphStakes(stakes, Instant.EPOCH, 1);
    JsonNode repo = reference.path("training_repo");
    List<String> datasets = new java.util.ArrayList<>();
    repo.path("requested_datasets").forEach(dataset -> datasets.add(dataset.asText()));
    Map<TournamentType, TrainingRepo> repos = new EnumMap<>(TournamentType.class);
    for (TournamentType type : TournamentType.values()) {
      repos.put(type, new TrainingRepo(repo.path("github_repo").asText(), repo.path("commit_hash").asText(), Optional.empty(), datasets));
    }
    return new TrainingRepoEndpoint(AccountId.fromSs58(reference.path("miner").asText()), repos,
        BigInteger.valueOf(reference.path("min_stake_threshold").asLong()), () -> metagraph,
        new NonceCache(now::get, 1_000_000, 10_000));
  }

  /** Starlette's lookup: the first header with that name, any case. */
  static Function<String, Optional<String>> headers(JsonNode step) {
    return name -> {
      for (JsonNode header : step.path("headers")) {
        if (header.get(0).asText().toLowerCase(Locale.ROOT).equals(name)) {
          return Optional.of(header.get(1).asText());
        }
      }
      return Optional.empty();
    };
  }
}
