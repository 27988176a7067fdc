package dev.quarry.god;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.Sr25519;
import dev.quarry.http.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint over real HTTP (Pekko HTTP on loopback) with stakes from an in-process chain: a
 * validator signing like Fiber's client gets the repository; every failure class gets Fiber's
 * status and body; stake changes arrive with the next metagraph read; the metagraph cache keeps
 * the miner answering when the chain is down at start.
 */
class GodMinerServiceTest {

  static final long TAO = 1_000_000_000L;
  static final String REPO = "https://github.com/quarry-test/god-trainer";
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final String TOKEN = "github_pat_11TESTTOKEN0123456789_abcdefghijklmnop";

  static final Keypair MINER = key("miner");
  static final Keypair VALIDATOR = key("validator");
  static final Keypair LOW_STAKE = key("low stake");
  static final Keypair LATE = key("registered later");
  static final Keypair STRANGER = key("not registered");
  static final int NETUID = 56;

  @TempDir static Path data;
  static LocalChain chain;
  static ActorSystem<Void> system;
  static Metrics metrics;
  static GodSettings settings;
  static GodMinerService service;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static Keypair key(String label) {
    try {
      return Sr25519.fromMiniSecret(MessageDigest.getInstance("SHA-256").digest(("quarry/god/test/" + label).getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  static ActorSystem<Void> localSystem(String name) {
    return ActorSystem.create(Behaviors.empty(), name,
        ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
  }

  static GodSettings settings(Path dataDirectory) {
    Map<String, String> values = new HashMap<>();
    values.put("MINER_TEXT_TRAINING_REPO", REPO);
    values.put("MINER_TEXT_TRAINING_COMMIT", COMMIT);
    values.put("MINER_TEXT_GITHUB_TOKEN", TOKEN);
    values.put("MINER_REQUESTED_DATASETS", "tasksource/Boardgame-QA,RZ412/PokerBench");
    values.put("MINER_ENVIRONMENT_TRAINING_REPO", "https://github.com/quarry-test/env-trainer");
    values.put("MINER_ENVIRONMENT_TRAINING_COMMIT", "fedcba9876543210fedcba9876543210fedcba98");
    return GodSettings.from(OperatorEnvironment.of(values), "finney", dataDirectory, DatasetWhitelist.shipped())
        .withListen("127.0.0.1", 0).withStakeRefresh(Duration.ofMillis(300));
  }

  @BeforeAll
  static void start() throws Exception {
    chain = LocalChain.start(LocalChain.Config.defaults().manual());
    chain.register(NETUID, MINER.accountId(), MINER.accountId(), 0).toCompletableFuture().get();
    chain.register(NETUID, VALIDATOR.accountId(), VALIDATOR.accountId(), 2_000 * TAO, true).toCompletableFuture().get();
    chain.register(NETUID, LOW_STAKE.accountId(), LOW_STAKE.accountId(), 10 * TAO, true).toCompletableFuture().get();
    system = localSystem("god-service-test");
    metrics = Metrics.create("test-node", "test");
    settings = settings(data);
    service = GodMinerService.start(system, settings, MINER.accountId(), chain, metrics).toCompletableFuture().get(30, TimeUnit.SECONDS);
    waitUntil(() -> service.readiness().ready());
  }

  @AfterAll
  static void stop() throws Exception {
    service.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    chain.close();
  }

  static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20);
    }
  }

  static HttpResponse<String> get(GodMinerService target, String path, Map<String, String> headers) throws Exception {
    return send(target, "GET", path, headers);
  }

  static HttpResponse<String> send(GodMinerService target, String method, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.address().getPort() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10));
    headers.forEach((name, value) -> {
      if (!name.equalsIgnoreCase("content-type") || !value.isEmpty()) {
        request.header(name, value);
      }
    });
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, String> signedBy(Keypair validator) {
    return new FiberClient(validator).headers(MINER.ss58Address());
  }

  @Test
  void aStakedValidatorSigningLikeFiberGetsTheRepository() throws Exception {
    HttpResponse<String> text = get(service, "/training_repo/text", signedBy(VALIDATOR));
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(text.body()).isEqualTo("{\"github_repo\":\"" + REPO + "\",\"commit_hash\":\"" + COMMIT + "\",\"github_token\":\"" + TOKEN
        + "\",\"requested_datasets\":[\"tasksource/Boardgame-QA\",\"RZ412/PokerBench\"]}");
    HttpResponse<String> environment = get(service, "/training_repo/environment", signedBy(VALIDATOR));
    assertThat(environment.body()).isEqualTo("{\"github_repo\":\"https://github.com/quarry-test/env-trainer\",\"commit_hash\":"
        + "\"fedcba9876543210fedcba9876543210fedcba98\",\"github_token\":null,\"requested_datasets\":[\"tasksource/Boardgame-QA\",\"RZ412/PokerBench\"]}");
    HttpResponse<String> image = get(service, "/training_repo/image", signedBy(VALIDATOR));
    assertThat(image.statusCode()).isEqualTo(404);
    assertThat(image.body()).isEqualTo("{\"detail\":\"No training repository is configured for image tournaments\"}");
  }

  @Test
  void everyFailureClassGetsFibersStatusAndBody() throws Exception {
    Map<String, String> good = signedBy(VALIDATOR);
    assertThat(get(service, "/training_repo/text", good).statusCode()).isEqualTo(200);
    assertAnswer(get(service, "/training_repo/text", good), 401, "{\"detail\":\"Oi, that nonce is not valid!\"}");
    assertAnswer(get(service, "/training_repo/text", signedBy(STRANGER)), 403, "{\"detail\":\"Hotkey not found in metagraph\"}");
    assertAnswer(get(service, "/training_repo/text", signedBy(LOW_STAKE)), 403, "{\"detail\":\"Insufficient stake of 10.0 \"}");
    Map<String, String> forged = new LinkedHashMap<>(signedBy(VALIDATOR));
    forged.put("signature", signedBy(VALIDATOR).get("signature"));
    assertAnswer(get(service, "/training_repo/text", forged), 401,
        "{\"detail\":\"Oi, invalid signature, you're not who you said you were!\"}");
    Map<String, String> impersonation = new LinkedHashMap<>(signedBy(STRANGER));
    impersonation.put("validator-hotkey", VALIDATOR.ss58Address());
    assertAnswer(get(service, "/training_repo/text", impersonation), 401,
        "{\"detail\":\"Oi, invalid signature, you're not who you said you were!\"}");
    Map<String, String> otherMiner = new FiberClient(VALIDATOR).headers(LOW_STAKE.ss58Address());
    assertAnswer(get(service, "/training_repo/text", otherMiner), 401, "{\"detail\":\"Oi, invalid miner hotkey - that's not me!\"}");
    Map<String, String> missing = new LinkedHashMap<>(signedBy(VALIDATOR));
    missing.remove("nonce");
    assertAnswer(get(service, "/training_repo/text", missing), 422,
        "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"header\",\"nonce\"],\"msg\":\"Field required\",\"input\":null}]}");
    assertAnswer(get(service, "/training_repo/video", signedBy(VALIDATOR)), 422,
        "{\"detail\":[{\"type\":\"enum\",\"loc\":[\"path\",\"task_type\"],\"msg\":\"Input should be 'text', 'image' or 'environment'\","
            + "\"input\":\"video\",\"ctx\":{\"expected\":\"'text', 'image' or 'environment'\"}}]}");
    Map<String, String> bare = new LinkedHashMap<>(signedBy(VALIDATOR));
    bare.put("signature", bare.get("signature").substring(2));
    HttpResponse<String> crash = get(service, "/training_repo/text", bare);
    assertThat(crash.statusCode()).isEqualTo(500);
    assertThat(crash.body()).isEqualTo("Internal Server Error");
    assertThat(crash.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");

    String scrape = metrics.scrape();
    for (String outcome : new String[] {"served", "invalid_nonce", "unknown_validator", "low_stake", "invalid_signature",
        "wrong_miner_hotkey", "missing_headers", "unknown_task_type", "unreadable_signature"}) {
      assertThat(scrape).as(outcome).containsPattern("quarry_god_requests_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} [1-9]");
    }
    assertThat(scrape).doesNotContain(TOKEN);
  }

  @Test
  void routingAnswersAreFastApisOnes() throws Exception {
    JsonNode reference = GodVectors.load("fiber_reference.json");
    int checked = 0;
    for (JsonNode step : reference.path("steps")) {
      String path = step.path("path").asText();
      if (path.matches("/training_repo/[^/]+") && step.path("method").asText().equals("GET")) {
        continue;
      }
      HttpResponse<String> answer = send(service, step.path("method").asText(), path, signedBy(VALIDATOR));
      assertAnswer(answer, step.path("status").asInt(), step.path("body").asText());
      checked++;
    }
    assertThat(checked).isEqualTo(2);
    assertAnswer(get(service, "/training_repo/te%2Fxt", signedBy(VALIDATOR)), 404, "{\"detail\":\"Not Found\"}");
    assertAnswer(get(service, "/training_repo/text/extra", signedBy(VALIDATOR)), 404, "{\"detail\":\"Not Found\"}");
    assertAnswer(get(service, "/training_repo/text/", signedBy(VALIDATOR)), 404, "{\"detail\":\"Not Found\"}");
    assertAnswer(get(service, "/", signedBy(VALIDATOR)), 404, "{\"detail\":\"Not Found\"}");
    assertThat(get(service, "/training_repo/te%78t", signedBy(VALIDATOR)).statusCode()).as("percent-decoded like Starlette").isEqualTo(200);
    assertThat(send(service, "HEAD", "/training_repo/text", signedBy(VALIDATOR)).statusCode()).as("FastAPI's GET route").isEqualTo(405);
  }

  @Test
  void stakeChangesArriveWithTheNextMetagraphRead() throws Exception {
    assertThat(get(service, "/training_repo/text", signedBy(LATE)).statusCode()).isEqualTo(403);
    chain.register(NETUID, LATE.accountId(), LATE.accountId(), 999 * TAO + 999_999_999L, true).toCompletableFuture().get();
    waitUntil(() -> service.metagraph().stakeOf(LATE.ss58Address()).isPresent());
    assertAnswer(get(service, "/training_repo/text", signedBy(LATE)), 403, "{\"detail\":\"Insufficient stake of 999.999999999 \"}");
    chain.setStake(NETUID, LATE.accountId(), 1_000 * TAO).toCompletableFuture().get();
    waitUntil(() -> service.metagraph().stakeOf(LATE.ss58Address()).orElse(0.0) >= 1000);
    assertThat(get(service, "/training_repo/text", signedBy(LATE)).statusCode()).as("stake equal to the threshold passes").isEqualTo(200);
  }

  @Test
  void theMetagraphCacheKeepsTheMinerAnsweringWhenTheChainIsDownAtStart() throws Exception {
    Path cache = settings.metagraphCache();
    waitUntil(() -> Files.exists(cache));
    assertThat(Files.readString(cache)).contains(VALIDATOR.ss58Address()).contains("\"netuid\" : 56");
    LocalChain down = LocalChain.start(LocalChain.Config.defaults().manual());
    down.close();
    ActorSystem<Void> restarted = localSystem("god-service-restart");
    try {
      GodMinerService again = GodMinerService.start(restarted, settings, MINER.accountId(), down, Metrics.create("restart", "test"))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      waitUntil(() -> again.readiness().ready());
      assertThat(get(again, "/training_repo/text", signedBy(VALIDATOR)).statusCode()).isEqualTo(200);
      again.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      restarted.terminate();
      restarted.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theLocalChainReportsStakeWeightsLikeSubtensor() throws Exception {
    var weights = chain.stakeWeights(NETUID).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(weights.get(1).hotkey()).isEqualTo(VALIDATOR.accountId());
    assertThat(weights.get(1).totalStakeRao()).isEqualTo(2_000 * TAO).isEqualTo(weights.get(1).alphaStakeRao());
    assertThat(weights.get(1).taoStakeRao()).isZero();
    Throwable missing = org.assertj.core.api.Assertions.catchThrowable(() -> chain.stakeWeights(99).toCompletableFuture().get());
    assertThat(missing.getCause()).hasMessageContaining("subnet 99 does not exist");
  }

  @Test
  void aPortInUseFailsTheStartWithTheAddress() throws Exception {
    GodSettings taken = settings.withListen("127.0.0.1", service.address().getPort());
    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() ->
        GodMinerService.start(system, taken, MINER.accountId(), chain, metrics).toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertThat(failure).hasMessageContaining("cannot listen on 127.0.0.1:" + service.address().getPort());
  }

  static void assertAnswer(HttpResponse<String> response, int status, String body) {
    assertThat(response.statusCode()).as(body).isEqualTo(status);
    assertThat(response.body()).isEqualTo(body);
  }
}
