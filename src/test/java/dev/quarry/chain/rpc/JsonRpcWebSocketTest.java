package dev.quarry.chain.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.ChainException.Kind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The WebSocket JSON-RPC client against a real WebSocket server with scripted faults. */
class JsonRpcWebSocketTest {

  private static final JsonRpcWebSocket.Options FAST = JsonRpcWebSocket.Options.defaults()
      .withRequestTimeout(Duration.ofSeconds(5)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(400));

  private static ChainException failure(CompletableFuture<?> future) {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (ChainException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void answersRecordedFinneyRequestsIncludingErrors() throws Exception {
    try (FakeRpcServer server = new FakeRpcServer(new RecordedFinney("get_block_hash", "retry_archive"));
        JsonRpcWebSocket rpc = JsonRpcWebSocket.open(server.uri(), FAST)) {
      assertThat(rpc.call("chain_getBlockHash", 6522038).get(10, TimeUnit.SECONDS).asText())
          .isEqualTo("0x4f0bbe5e96a78ca4cc1df9a7e757d335165d6d71c545cf6eb4794986424bcd29");
      ChainException error = failure(rpc.call("state_getRuntimeVersion", "0x6c0da8a9dd5994d374d43210dc401f000b2fe02541bc2e7cd54719655d751a18"));
      assertThat(error).isInstanceOf(JsonRpcException.class);
      assertThat(((JsonRpcException) error).code()).isEqualTo(4003);
      assertThat(error.getMessage()).contains("State already discarded");
    }
  }

  @Test
  void carriesMultiMegabyteMessagesBothWays() throws Exception {
    String big = "ab".repeat(1_500_000);
    try (FakeRpcServer server = new FakeRpcServer((method, params, connection) ->
            new FakeRpcServer.Answer.Result(new TextNode(params.get(0).asText() + big)));
        JsonRpcWebSocket rpc = JsonRpcWebSocket.open(server.uri(), FAST)) {
      JsonNode answer = rpc.call("echo", "x".repeat(200_000)).get(20, TimeUnit.SECONDS);
      assertThat(answer.asText()).hasSize(200_000 + big.length()).endsWith("abab");
    }
  }

  @Test
  void unansweredRequestsTimeOut() throws Exception {
    try (FakeRpcServer server = new FakeRpcServer((method, params, connection) -> new FakeRpcServer.Answer.Silence());
        JsonRpcWebSocket rpc = JsonRpcWebSocket.open(server.uri(), FAST)) {
      long start = System.nanoTime();
      ChainException error = failure(rpc.call(Duration.ofMillis(300), "chain_getHeader"));
      assertThat(error.kind()).isEqualTo(Kind.TIMEOUT);
      assertThat(error.getMessage()).contains("chain_getHeader").contains("300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void idempotentRequestsSurviveADropAndOneShotRequestsFailClearly() throws Exception {
    // The first connection drops on any request; later connections answer.
    try (FakeRpcServer server = new FakeRpcServer((method, params, connection) -> connection == 1
            ? new FakeRpcServer.Answer.Drop()
            : new FakeRpcServer.Answer.Result(new TextNode(method + " on connection " + connection)));
        JsonRpcWebSocket rpc = JsonRpcWebSocket.open(server.uri(), FAST)) {
      CompletableFuture<JsonNode> submit = rpc.callOnce("author_submitExtrinsic", "0x00");
      CompletableFuture<JsonNode> read = rpc.call("chain_getHeader");
      ChainException error = failure(submit);
      assertThat(error.kind()).isEqualTo(Kind.CONNECTION);
      assertThat(error.getMessage()).contains("author_submitExtrinsic").contains("may or may not have taken effect");
      assertThat(read.get(10, TimeUnit.SECONDS).asText()).isEqualTo("chain_getHeader on connection 2");
      assertThat(rpc.reconnectCount()).isEqualTo(1);
      assertThat(server.connectionCount()).isEqualTo(2);
    }
  }

  @Test
  void subscriptionsAreRemadeAfterReconnects() throws Exception {
    AtomicInteger subscribes = new AtomicInteger();
    try (FakeRpcServer server = new FakeRpcServer((method, params, connection) -> {
          if (method.equals("chain_subscribeNewHeads")) {
            subscribes.incrementAndGet();
            return new FakeRpcServer.Answer.Subscribe("chain_newHead", null);
          }
          return new FakeRpcServer.Answer.Result(com.fasterxml.jackson.databind.node.BooleanNode.TRUE);
        });
        JsonRpcWebSocket rpc = JsonRpcWebSocket.open(server.uri(), FAST)) {
      List<String> received = new CopyOnWriteArrayList<>();
      JsonRpcWebSocket.Subscription subscription =
          rpc.subscribe("chain_subscribeNewHeads", List.of(), "chain_unsubscribeNewHeads", value -> received.add(value.asText()));
      waitFor(() -> subscribes.get() == 1);
      server.notify("chain_newHead", new TextNode("one"));
      waitFor(() -> received.size() == 1);
      server.dropConnections();
      waitFor(() -> subscribes.get() == 2);
      server.notify("chain_newHead", new TextNode("two"));
      waitFor(() -> received.size() == 2);
      assertThat(received).containsExactly("one", "two");
      subscription.close();
      waitFor(() -> server.requests().contains("chain_unsubscribeNewHeads"));
    }
  }

  @Test
  void requestsWaitForAConnectionAndCloseFailsWhatIsPending() throws Exception {
    try (FakeRpcServer server = new FakeRpcServer((method, params, connection) -> new FakeRpcServer.Answer.Silence())) {
      JsonRpcWebSocket rpc = JsonRpcWebSocket.open(server.uri(), FAST);
      CompletableFuture<JsonNode> pending = rpc.call("chain_getHeader");
      rpc.close();
      assertThat(failure(pending).kind()).isEqualTo(Kind.CLOSED);
      assertThat(failure(rpc.call("chain_getHeader")).kind()).isEqualTo(Kind.CLOSED);
    }
    // Nothing listening: the request waits, reconnect attempts back off, and the timeout is explicit.
    java.net.URI nowhere;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      nowhere = java.net.URI.create("ws://127.0.0.1:" + probe.getLocalPort());
    }
    try (JsonRpcWebSocket rpc = JsonRpcWebSocket.open(nowhere, FAST)) {
      ChainException error = failure(rpc.call(Duration.ofMillis(700), "chain_getHeader"));
      assertThat(error.kind()).isEqualTo(Kind.TIMEOUT);
      assertThat(error.getMessage()).contains("not connected");
    }
    assertThatThrownBy(() -> JsonRpcWebSocket.open(java.net.URI.create("http://example.org"), FAST))
        .hasMessageContaining("ws:// or wss://");
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }
}
