package dev.quarry.chain.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;

/**
 * A WebSocket JSON-RPC server for tests (Pekko HTTP on an ephemeral loopback port). A {@link
 * Responder} decides each answer: a result, an error, silence, or dropping the connection.
 * Subscriptions get ids; {@link #notify} pushes notifications to every live subscriber.
 */
public final class FakeRpcServer extends AllDirectives implements AutoCloseable {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** What to do with one request. */
  public sealed interface Answer {
    record Result(JsonNode value) implements Answer {}
    record Error(int code, String message, String data) implements Answer {}
    record Silence() implements Answer {}
    record Drop() implements Answer {}
    /** Answer with a new subscription id; {@code onSubscribed} may push notifications at once. */
    record Subscribe(String notificationMethod, java.util.function.Consumer<String> onSubscribed) implements Answer {}
  }

  /** Decides the answer for a request; connection is the 1-based connection number. */
  @FunctionalInterface
  public interface Responder {
    Answer answer(String method, ArrayNode params, int connection);
  }

  /** One actor system for every fake server in the test JVM: starting Pekko is the slow part. */
  private static ActorSystem<Void> sharedSystem;

  private static synchronized ActorSystem<Void> system() {
    if (sharedSystem == null) {
      sharedSystem = ActorSystem.create(Behaviors.empty(), "fake-rpc",
          com.typesafe.config.ConfigFactory.parseString("pekko.loglevel = OFF\npekko.stdout-loglevel = OFF")
              .withFallback(com.typesafe.config.ConfigFactory.load()));
    }
    return sharedSystem;
  }

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final Responder responder;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final Map<String, Connection> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, String> subscriptionMethods = new ConcurrentHashMap<>();
  private final AtomicInteger connectionCount = new AtomicInteger();
  private final AtomicLong nextSubscription = new AtomicLong(1);
  private final List<String> log = new CopyOnWriteArrayList<>();

  private final class Connection {
    final int number;
    final SourceQueueWithComplete<Message> out;

    Connection(int number, SourceQueueWithComplete<Message> out) {
      this.number = number;
      this.out = out;
    }

    void send(JsonNode message) {
      out.offer(TextMessage.create(message.toString()));
    }
  }

  public FakeRpcServer(Responder responder) {
    this.responder = responder;
    this.system = system();
    try {
      this.binding = Http.get(system).newServerAt("127.0.0.1", 0)
          .bind(extractRequest(request -> handleWebSocketMessages(newConnectionFlow())))
          .toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the fake RPC server", e);
    }
  }

  public URI uri() {
    return URI.create("ws://127.0.0.1:" + binding.localAddress().getPort());
  }

  public int connectionCount() {
    return connectionCount.get();
  }

  /** Methods received so far, in order. */
  public List<String> requests() {
    return List.copyOf(log);
  }

  /** Pushes {@code result} to every live subscription whose notification method is {@code method}. */
  public void notify(String method, JsonNode result) {
    subscriptions.forEach((id, connection) -> {
      if (method.equals(subscriptionMethods.get(id))) {
        pushTo(connection, method, id, result);
      }
    });
  }

  /** Pushes one notification to one subscription. */
  public void notify(String subscriptionId, String method, JsonNode result) {
    Connection connection = subscriptions.get(subscriptionId);
    if (connection != null) {
      pushTo(connection, method, subscriptionId, result);
    }
  }

  /** Drops every open connection abruptly. */
  public void dropConnections() {
    for (Connection connection : connections) {
      connection.out.fail(new RuntimeException("dropped by test"));
    }
    connections.clear();
    subscriptions.clear();
  }

  private void pushTo(Connection connection, String method, String id, JsonNode result) {
    ObjectNode message = MAPPER.createObjectNode();
    message.put("jsonrpc", "2.0");
    message.put("method", method);
    ObjectNode params = message.putObject("params");
    params.put("subscription", id);
    params.set("result", result);
    connection.send(message);
  }

  private Flow<Message, Message, NotUsed> newConnectionFlow() {
    Pair<SourceQueueWithComplete<Message>, Source<Message, NotUsed>> outgoing =
        Source.<Message>queue(10_000, OverflowStrategy.fail()).preMaterialize(system);
    Connection connection = new Connection(connectionCount.incrementAndGet(), outgoing.first());
    connections.add(connection);
    Materializer materializer = Materializer.matFromSystem(system);
    Sink<Message, NotUsed> incoming = Flow.<Message>create()
        .mapAsync(1, message -> message.isText()
            ? message.asTextMessage().toStrict(5_000, materializer).thenApply(TextMessage::getStrictText)
            : java.util.concurrent.CompletableFuture.completedFuture(""))
        .to(Sink.foreach(text -> handle(connection, text)));
    return Flow.fromSinkAndSourceCoupled(incoming, outgoing.second());
  }

  private void handle(Connection connection, String text) {
    if (text.isEmpty()) {
      return;
    }
    JsonNode request;
    try {
      request = MAPPER.readTree(text);
    } catch (Exception e) {
      return;
    }
    String method = request.path("method").asText();
    ArrayNode params = request.has("params") && request.get("params").isArray() ? (ArrayNode) request.get("params") : MAPPER.createArrayNode();
    log.add(method);
    Answer answer = responder.answer(method, params, connection.number);
    ObjectNode response = MAPPER.createObjectNode();
    response.put("jsonrpc", "2.0");
    response.set("id", request.get("id"));
    if (answer instanceof Answer.Result result) {
      response.set("result", result.value() == null ? MAPPER.nullNode() : result.value());
      connection.send(response);
    } else if (answer instanceof Answer.Error error) {
      ObjectNode body = response.putObject("error");
      body.put("code", error.code());
      body.put("message", error.message());
      if (error.data() != null) {
        body.put("data", error.data());
      }
      connection.send(response);
    } else if (answer instanceof Answer.Subscribe subscribe) {
      String id = "sub-" + nextSubscription.getAndIncrement();
      subscriptions.put(id, connection);
      subscriptionMethods.put(id, subscribe.notificationMethod());
      response.put("result", id);
      connection.send(response);
      if (subscribe.onSubscribed() != null) {
        subscribe.onSubscribed().accept(id);
      }
    } else if (answer instanceof Answer.Drop) {
      connections.remove(connection);
      subscriptions.values().removeIf(owner -> owner == connection);
      connection.out.fail(new RuntimeException("dropped by test"));
    }
  }

  @Override
  public void close() {
    try {
      binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort
    }
    dropConnections();
  }
}
