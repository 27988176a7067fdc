package dev.quarry.chain.drand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against relays on loopback that serve real recorded beacons, or fail on purpose. */
class DrandClientTest {

  private static final RecordedBeacons.Recorded LATEST = RecordedBeacons.round(30663002);
  private static final RecordedBeacons.Recorded OLDER = RecordedBeacons.round(30662992);
  private static final Clock AT_LATEST = Clock.fixed(Quicknet.timeOf(LATEST.round()).plusSeconds(1), ZoneOffset.UTC);
  private static final String V2_LATEST = "/v2/chains/" + Quicknet.CHAIN_HASH + "/rounds/latest";
  private static final String V1_LATEST = "/" + Quicknet.CHAIN_HASH + "/public/latest";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private List<LoopbackRelay> relays = List.of();

  @AfterEach
  void closeRelays() {
    relays.forEach(LoopbackRelay::close);
  }

  private DrandClient client(Clock clock, Duration requestTimeout, LoopbackRelay... servers) {
    relays = List.of(servers);
    List<URI> uris = Stream.of(servers).map(LoopbackRelay::uri).toList();
    return new DrandClient(http, new DrandClient.Settings(uris, requestTimeout, Duration.ofSeconds(20), Duration.ofSeconds(60)), clock);
  }

  private static DrandBeacon await(java.util.concurrent.CompletionStage<DrandBeacon> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static DrandUnavailableException failureOf(java.util.concurrent.CompletionStage<DrandBeacon> stage) {
    try {
      stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      assertThat(failed.getCause()).isInstanceOf(DrandUnavailableException.class);
      return (DrandUnavailableException) failed.getCause();
    } catch (Exception other) {
      throw new AssertionError(other);
    }
    throw new AssertionError("expected the fetch to fail");
  }

  @Test
  void asksV2FirstAndUsesItsAnswerWithoutRandomness() throws Exception {
    LoopbackRelay relay = new LoopbackRelay(path -> LoopbackRelay.isV2(path)
        ? LoopbackRelay.Answer.json(LATEST.v2Json()) : LoopbackRelay.Answer.json(OLDER.v1Json()));
    DrandBeacon beacon = await(client(AT_LATEST, Duration.ofSeconds(2), relay).latest());
    assertThat(beacon.round()).isEqualTo(LATEST.round());
    assertThat(beacon.randomness()).isEqualTo(LATEST.randomness());
    assertThat(relay.requests()).containsExactly(V2_LATEST);
  }

  @Test
  void fallsBackToV1WhenTheRelayHasNoV2() throws Exception {
    LoopbackRelay relay = new LoopbackRelay(path -> LoopbackRelay.isV1(path)
        ? LoopbackRelay.Answer.json(LATEST.v1Json()) : LoopbackRelay.Answer.status(404));
    DrandBeacon beacon = await(client(AT_LATEST, Duration.ofSeconds(2), relay).latest());
    assertThat(beacon.round()).isEqualTo(LATEST.round());
    assertThat(relay.requests()).containsExactly(V2_LATEST, V1_LATEST);
  }

  @Test
  void movesToTheNextRelayOnServerErrors() throws Exception {
    LoopbackRelay broken = new LoopbackRelay(path -> LoopbackRelay.Answer.status(500));
    LoopbackRelay healthy = new LoopbackRelay(path -> LoopbackRelay.Answer.json(LATEST.v1Json()));
    DrandBeacon beacon = await(client(AT_LATEST, Duration.ofSeconds(2), broken, healthy).latest());
    assertThat(beacon.round()).isEqualTo(LATEST.round());
    assertThat(broken.requests()).containsExactly(V2_LATEST, V1_LATEST);
    assertThat(healthy.requests()).containsExactly(V2_LATEST);
  }

  @Test
  void movesToTheNextRelayOnTimeout() throws Exception {
    LoopbackRelay slow = new LoopbackRelay(path -> LoopbackRelay.Answer.slow(LATEST.v1Json(), 3_000));
    LoopbackRelay healthy = new LoopbackRelay(path -> LoopbackRelay.Answer.json(LATEST.v2Json()));
    long started = System.nanoTime();
    DrandBeacon beacon = await(client(AT_LATEST, Duration.ofMillis(300), slow, healthy).latest());
    assertThat(beacon.round()).isEqualTo(LATEST.round());
    assertThat(slow.requests()).hasSize(2);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("both slow requests were abandoned").isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void rejectsABadSignatureAndTriesTheNextRelay() throws Exception {
    byte[] signature = HexFormat.of().parseHex(LATEST.signature());
    signature[7] ^= 0x40;
    String forged = "{\"round\":" + LATEST.round() + ",\"signature\":\"" + HexFormat.of().formatHex(signature) + "\"}";
    LoopbackRelay forger = new LoopbackRelay(path -> LoopbackRelay.Answer.json(forged));
    LoopbackRelay honest = new LoopbackRelay(path -> LoopbackRelay.Answer.json(LATEST.v2Json()));
    DrandBeacon beacon = await(client(AT_LATEST, Duration.ofSeconds(2), forger, honest).latest());
    assertThat(beacon.randomness()).isEqualTo(LATEST.randomness());
    assertThat(forger.requests()).hasSize(2);
  }

  @Test
  void rejectsAnotherRoundsSignatureOrMismatchedRandomness() throws Exception {
    String wrongRound = "{\"round\":" + LATEST.round() + ",\"signature\":\"" + OLDER.signature() + "\"}";
    String wrongRandomness = "{\"round\":" + LATEST.round() + ",\"signature\":\"" + LATEST.signature()
        + "\",\"randomness\":\"" + OLDER.randomness() + "\"}";
    LoopbackRelay liar = new LoopbackRelay(path -> LoopbackRelay.Answer.json(LoopbackRelay.isV2(path) ? wrongRound : wrongRandomness));
    DrandUnavailableException failure = failureOf(client(AT_LATEST, Duration.ofSeconds(2), liar).latest());
    assertThat(failure.attempts()).extracting(DrandUnavailableException.Attempt::failure)
        .containsExactly("BLS signature does not verify for round " + LATEST.round() + " (BLST_VERIFY_FAIL)", "randomness is not sha256(signature)");
  }

  @Test
  void aSpecificRoundMustBeTheRoundAskedFor() throws Exception {
    LoopbackRelay confused = new LoopbackRelay(path -> LoopbackRelay.Answer.json(LATEST.v1Json()));
    LoopbackRelay right = new LoopbackRelay(path -> path.endsWith("/" + OLDER.round())
        ? LoopbackRelay.Answer.json(OLDER.v1Json()) : LoopbackRelay.Answer.status(404));
    DrandBeacon beacon = await(client(AT_LATEST, Duration.ofSeconds(2), confused, right).round(OLDER.round()));
    assertThat(beacon.round()).isEqualTo(OLDER.round());
    assertThat(confused.requests()).containsExactly(
        "/v2/chains/" + Quicknet.CHAIN_HASH + "/rounds/" + OLDER.round(), "/" + Quicknet.CHAIN_HASH + "/public/" + OLDER.round());
  }

  @Test
  void aStaleLatestRoundIsSkipped() throws Exception {
    Clock muchLater = Clock.offset(AT_LATEST, Duration.ofMinutes(10));
    LoopbackRelay stale = new LoopbackRelay(path -> LoopbackRelay.Answer.json(LATEST.v1Json()));
    DrandUnavailableException failure = failureOf(client(muchLater, Duration.ofSeconds(2), stale).latest());
    assertThat(failure.getMessage()).contains("is 600 s old").contains("no drand relay returned a verified beacon");
  }

  @Test
  void answersThatAreNotBeaconsAreSkipped() throws Exception {
    LoopbackRelay junk = new LoopbackRelay(path -> LoopbackRelay.isV2(path)
        ? LoopbackRelay.Answer.json("<html>maintenance</html>") : LoopbackRelay.Answer.json("{\"round\":\"soon\"}"));
    DrandUnavailableException failure = failureOf(client(AT_LATEST, Duration.ofSeconds(2), junk).latest());
    assertThat(failure.attempts()).extracting(DrandUnavailableException.Attempt::failure)
        .containsExactly("answer is not JSON", "answer has no round number");
  }

  @Test
  void theFallbackPolicyWhenEveryRelayFails() throws Exception {
    LoopbackRelay down = new LoopbackRelay(path -> LoopbackRelay.Answer.status(503));
    DrandClient client = client(AT_LATEST, Duration.ofSeconds(2), down);
    DrandOutcome outcome = new WindowBeaconSource(client, true).forWindow(6522030).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOfSatisfying(DrandOutcome.Skipped.class,
        skipped -> assertThat(skipped.reason()).isEqualTo(DrandOutcome.Skipped.Reason.UNAVAILABLE));
    assertThat(outcome.useDrand()).isFalse();
    assertThat(outcome.windowRandomness(RecordedBeacons.blockHash())).isEqualTo(RecordedBeacons.blockHash().substring(2));
    assertThat(down.requests()).hasSize(2);
  }

  @Test
  void aWorkingRelayGivesAVerifiedOutcome() throws Exception {
    LoopbackRelay relay = new LoopbackRelay(path -> LoopbackRelay.Answer.json(LATEST.v2Json()));
    DrandOutcome outcome = new WindowBeaconSource(client(AT_LATEST, Duration.ofSeconds(2), relay), true)
        .forWindow(6522030).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(outcome.useDrand()).isTrue();
    assertThat(outcome.windowRandomness(RecordedBeacons.blockHash())).isEqualTo(LATEST.windowRandomness());
  }

  @Test
  void disabledDrandMakesNoRequests() throws Exception {
    LoopbackRelay relay = new LoopbackRelay(path -> LoopbackRelay.Answer.json(LATEST.v2Json()));
    DrandClient client = client(AT_LATEST, Duration.ofSeconds(2), relay);
    DrandOutcome outcome = new WindowBeaconSource(client, false).forWindow(6522030).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(outcome).isEqualTo(new DrandOutcome.Skipped(DrandOutcome.Skipped.Reason.DISABLED, "drand disabled by configuration"));
    assertThat(relay.requests()).isEmpty();
  }

  @Test
  void anUnreachableRelayIsAFailureNotAHang() throws IOException {
    LoopbackRelay closed = new LoopbackRelay(path -> LoopbackRelay.Answer.status(200));
    URI gone = closed.uri();
    closed.close();
    DrandClient client = new DrandClient(http, new DrandClient.Settings(List.of(gone), Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(60)), AT_LATEST);
    DrandUnavailableException failure = failureOf(client.latest());
    assertThat(failure.attempts()).hasSize(2).allSatisfy(attempt -> assertThat(attempt.failure()).startsWith("request failed"));
    assertThatThrownBy(() -> client.round(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
