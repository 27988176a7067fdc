package dev.quarry.god;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.chain.local.LocalChain;
import dev.quarry.crypto.Keypair;
import dev.quarry.http.Metrics;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10 000 signed requests on loopback, 16 in flight: every one is answered 200 with the same body,
 * each nonce is remembered, and the cache — the only state that grows with traffic — empties once
 * the nonces are out of their window, so heap use returns to where it started. Figures are written
 * to {@code target/god-burst.txt} and reported in docs/god.md; they are not asserted as timings.
 */
class GodBurstTest {

  private static final int REQUESTS = 10_000;
  private static final int IN_FLIGHT = 16;

  @TempDir Path data;

  @Test
  void tenThousandSignedRequestsAreAllServedWithBoundedMemory() throws Exception {
    Keypair miner = GodMinerServiceTest.MINER;
    Keypair validator = GodMinerServiceTest.VALIDATOR;
    AtomicLong clockOffset = new AtomicLong();
    NonceCache nonces = new NonceCache(() -> NonceCache.systemNanos() + clockOffset.get(), 1_000_000, 10_000);
    LocalChain chain = LocalChain.start(LocalChain.Config.defaults().manual());
    ActorSystem<Void> system = GodMinerServiceTest.localSystem("god-burst-test");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      chain.register(56, miner.accountId(), miner.accountId(), 0).toCompletableFuture().get();
      chain.register(56, validator.accountId(), validator.accountId(), 5_000 * GodMinerServiceTest.TAO, true).toCompletableFuture().get();
      GodMinerService service = GodMinerService.start(system, GodMinerServiceTest.settings(data), miner.accountId(), chain,
          Metrics.create("burst", "test"), nonces).toCompletableFuture().get(30, TimeUnit.SECONDS);
      GodMinerServiceTest.waitUntil(() -> service.readiness().ready());
      URI uri = URI.create("http://127.0.0.1:" + service.address().getPort() + "/training_repo/text");

      // Warm up the JIT and the connection pool, then measure from a settled heap.
      send(http, uri, new FiberClient(validator).headers(miner.ss58Address())).get(10, TimeUnit.SECONDS);
      long heapBefore = settledHeap();

      long signStart = System.nanoTime();
      FiberClient client = new FiberClient(validator);
      List<Map<String, String>> requests = IntStream.range(0, REQUESTS).parallel()
          .mapToObj(i -> client.headers(miner.ss58Address())).toList();
      double signSeconds = (System.nanoTime() - signStart) / 1e9;

      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> bodies = new ConcurrentHashMap<>();
      List<CompletableFuture<?>> pending = new ArrayList<>(REQUESTS);
      long start = System.nanoTime();
      for (Map<String, String> headers : requests) {
        inFlight.acquire();
        pending.add(send(http, uri, headers).whenComplete((response, failure) -> {
          inFlight.release();
          int status = failure == null ? response.statusCode() : -1;
          statuses.computeIfAbsent(status, key -> new AtomicInteger()).incrementAndGet();
          if (failure == null) {
            bodies.computeIfAbsent(response.body(), key -> new AtomicInteger()).incrementAndGet();
          }
        }));
      }
      CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).exceptionally(ignored -> null).get(120, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;

      assertThat(statuses).containsOnlyKeys(200);
      assertThat(statuses.get(200)).hasValue(REQUESTS);
      assertThat(bodies).hasSize(1);
      assertThat(bodies.keySet().iterator().next()).startsWith("{\"github_repo\":\"" + GodMinerServiceTest.REPO);
      int remembered = nonces.size();
      assertThat(remembered).as("every nonce of the last two minutes is remembered").isEqualTo(REQUESTS + 1);
      // Drop the client's own copies so the heap figures are the server's.
      requests = null;
      pending.clear();
      bodies.clear();
      long heapFull = settledHeap();

      // Two minutes later every nonce is out of its window: the cache forgets them all.
      clockOffset.set(241_000_000_000L);
      assertThat(nonces.size()).isZero();
      long heapAfter = settledHeap();

      long grownWhileFull = heapFull - heapBefore;
      long grownAfter = heapAfter - heapBefore;
      String report = String.format(java.util.Locale.ROOT,
          "requests=%d in_flight=%d seconds=%.2f requests_per_second=%.0f client_signing_seconds=%.2f cores=%d "
              + "heap_before_mb=%.1f heap_with_%d_nonces_mb=%.1f heap_after_expiry_mb=%.1f jvm=%s%n",
          REQUESTS, IN_FLIGHT, seconds, REQUESTS / seconds, signSeconds, Runtime.getRuntime().availableProcessors(),
          heapBefore / 1e6, remembered, heapFull / 1e6, heapAfter / 1e6, System.getProperty("java.version"));
      System.out.print("G.O.D burst: " + report);
      Path target = Path.of(System.getProperty("quarry.project.dir", "."), "target");
      if (Files.isDirectory(target)) {
        Files.writeString(target.resolve("god-burst.txt"), report, StandardCharsets.UTF_8);
      }
      // Generous bounds: 10 001 nonces take about 2 MB; GC noise is larger than that.
      assertThat(grownWhileFull).as("heap growth holding 10 000 nonces").isLessThan(64L << 20);
      assertThat(grownAfter).as("heap growth after the nonces expired").isLessThan(32L << 20);
      service.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      chain.close();
    }
  }

  private static CompletableFuture<HttpResponse<String>> send(HttpClient http, URI uri, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30));
    headers.forEach(request::header);
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Used heap after garbage collection has had a chance to run (System.gc is a request, so ask a few times). */
  private static long settledHeap() throws InterruptedException {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}
