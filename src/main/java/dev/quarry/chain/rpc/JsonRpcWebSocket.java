package dev.quarry.chain.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.ChainException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-RPC 2.0 client over one WebSocket that keeps itself connected.
 *
 * <p>Requests made while disconnected wait (within their timeout) and are sent once connected.
 * When the connection drops, requests already sent are resent after reconnecting if they are
 * idempotent ({@link #call}); those that must not be repeated ({@link #callOnce}, e.g. submitting
 * an extrinsic) fail at once with {@link Kind#CONNECTION} and a message saying the outcome is
 * unknown. Nothing is dropped silently: every future completes with a result, an RPC error, a
 * timeout, a connection error, or {@link Kind#CLOSED}. Subscriptions are re-established after each
 * reconnect. Results and notifications are delivered on one client thread, in arrival order.
 */
public final class JsonRpcWebSocket implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JsonRpcWebSocket.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Connection settings. */
  public record Options(Duration requestTimeout, Duration connectTimeout, Duration initialBackoff, Duration maxBackoff) {
    public static Options defaults() {
      return new Options(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMillis(250), Duration.ofSeconds(30));
    }

    public Options withRequestTimeout(Duration timeout) {
      return new Options(timeout, connectTimeout, initialBackoff, maxBackoff);
    }

    public Options withBackoff(Duration initial, Duration max) {
      return new Options(requestTimeout, connectTimeout, initial, max);
    }
  }

  /** A subscription kept alive across reconnects. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  private final URI uri;
  private final Options options;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService callbacks;
  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, ActiveSubscription> bySubscriptionId = new ConcurrentHashMap<>();
  private final List<ActiveSubscription> subscriptions = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Consumer<Boolean>> connectionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  private WebSocket socket;              // guarded by lock
  private long generation;               // guarded by lock; increments per connection
  private CompletableFuture<Void> sendChain = CompletableFuture.completedFuture(null); // guarded by lock
  private boolean closed;                // guarded by lock
  private boolean connecting;            // guarded by lock
  private int failedAttempts;            // guarded by lock
  private final AtomicLong reconnects = new AtomicLong();

  private JsonRpcWebSocket(URI uri, Options options) {
    this.uri = uri;
    this.options = options;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("quarry-rpc-timer"));
    this.callbacks = Executors.newSingleThreadExecutor(daemon("quarry-rpc-callbacks"));
    this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout()).build();
  }

  /** Starts connecting to {@code uri} in the background and returns at once. */
  public static JsonRpcWebSocket open(URI uri, Options options) {
    String scheme = uri.getScheme();
    if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
      throw new IllegalArgumentException("a chain endpoint must be a ws:// or wss:// URL, got '" + uri + "'");
    }
    JsonRpcWebSocket client = new JsonRpcWebSocket(uri, options);
    client.connect();
    return client;
  }

  public URI uri() {
    return uri;
  }

  /** How many times the connection was re-established after a drop. */
  public long reconnectCount() {
    return reconnects.get();
  }

  public boolean isConnected() {
    synchronized (lock) {
      return socket != null;
    }
  }

  /** Called with true on each (re)connection and false on each drop, on the client thread. */
  public void onConnectionChange(Consumer<Boolean> listener) {
    connectionListeners.add(listener);
  }

  /** An idempotent request: resent after a reconnect until it answers or times out. */
  public CompletableFuture<JsonNode> call(String method, Object... params) {
    return request(method, toParams(params), true, null, options.requestTimeout());
  }

  /** As {@link #call} with its own timeout. */
  public CompletableFuture<JsonNode> call(Duration timeout, String method, Object... params) {
    return request(method, toParams(params), true, null, timeout);
  }

  /** A request that must not be repeated: if the connection drops after sending, it fails. */
  public CompletableFuture<JsonNode> callOnce(String method, Object... params) {
    return request(method, toParams(params), false, null, options.requestTimeout());
  }

  /**
   * Subscribes with {@code method(params)}; each notification's {@code result} goes to
   * {@code listener}. After a reconnect the subscription is made again (notifications from the
   * gap are not replayed; the caller fills gaps if it needs to).
   */
  public Subscription subscribe(String method, List<Object> params, String unsubscribeMethod, Consumer<JsonNode> listener) {
    ActiveSubscription subscription = new ActiveSubscription(method, MAPPER.valueToTree(params), unsubscribeMethod, listener, true, null);
    subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  /**
   * A subscription that lives for one connection only (e.g. watching a submitted extrinsic):
   * if the connection drops, {@code onLost} is called and it is not re-made.
   */
  public Subscription subscribeOnce(String method, List<Object> params, String unsubscribeMethod, Consumer<JsonNode> listener,
      Consumer<ChainException> onLost) {
    ActiveSubscription subscription = new ActiveSubscription(method, MAPPER.valueToTree(params), unsubscribeMethod, listener, false, onLost);
    subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  /** Drops the current connection and reconnects (e.g. when a watchdog sees no new heads). */
  public void forceReconnect(String reason) {
    WebSocket current;
    synchronized (lock) {
      current = socket;
    }
    if (current != null) {
      LOG.info("reconnecting to {}: {}", uri, reason);
      current.abort();
      connectionLost(current, reason);
    }
  }

  @Override
  public void close() {
    WebSocket current;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      current = socket;
      socket = null;
    }
    ChainException closedError = new ChainException(Kind.CLOSED, "the chain client was closed");
    for (Pending request : new ArrayList<>(pending.values())) {
      fail(request, closedError);
    }
    for (ActiveSubscription subscription : subscriptions) {
      subscription.active = false;
    }
    if (current != null) {
      current.sendClose(WebSocket.NORMAL_CLOSURE, "client closed").exceptionally(ignored -> null);
      scheduler.schedule(current::abort, 1, TimeUnit.SECONDS);
    }
    scheduler.schedule(() -> {
      callbacks.shutdown();
      scheduler.shutdown();
    }, 1100, TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------------------------------------

  private CompletableFuture<JsonNode> request(String method, ArrayNode params, boolean retry, ActiveSubscription subscription, Duration timeout) {
    CompletableFuture<JsonNode> future = new CompletableFuture<>();
    long id = nextId.getAndIncrement();
    Pending request = new Pending(id, method, params, retry, subscription, future);
    synchronized (lock) {
      if (closed) {
        future.completeExceptionally(new ChainException(Kind.CLOSED, "the chain client was closed"));
        return future;
      }
      pending.put(id, request);
      request.timeout = scheduler.schedule(() -> fail(request, new ChainException(Kind.TIMEOUT,
          method + " got no answer from " + uri + " within " + timeout.toMillis() + " ms"
              + (isConnected() ? "" : " (not connected)"))), timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (socket != null) {
        send(request, socket, generation);
      }
    }
    return future;
  }

  private void send(Pending request, WebSocket target, long targetGeneration) {
    // Callers hold the lock; sends are chained because the JDK WebSocket allows one at a time.
    ObjectNode message = MAPPER.createObjectNode();
    message.put("jsonrpc", "2.0");
    message.put("id", request.id);
    message.put("method", request.method);
    message.set("params", request.params);
    String text = message.toString();
    request.sentGeneration = targetGeneration;
    sendChain = sendChain
        .thenCompose(ignored -> target.sendText(text, true).thenApply(ws -> (Void) null))
        .exceptionally(error -> {
          connectionLost(target, "send failed: " + rootMessage(error));
          return null;
        });
  }

  private void connect() {
    synchronized (lock) {
      if (closed || connecting || socket != null) {
        return;
      }
      connecting = true;
    }
    http.newWebSocketBuilder()
        .connectTimeout(options.connectTimeout())
        .buildAsync(uri, new Listener())
        .whenComplete((ws, error) -> {
          if (error != null) {
            synchronized (lock) {
              connecting = false;
            }
            LOG.debug("cannot connect to {}: {}", uri, rootMessage(error));
            scheduleReconnect();
            return;
          }
          onConnected(ws);
        });
  }

  private void onConnected(WebSocket ws) {
    List<Pending> toSend;
    boolean reconnect;
    synchronized (lock) {
      connecting = false;
      if (closed) {
        ws.abort();
        return;
      }
      reconnect = generation > 0;
      socket = ws;
      generation++;
      failedAttempts = 0;
      sendChain = CompletableFuture.completedFuture(null);
      toSend = new ArrayList<>(pending.values());
      toSend.sort(Comparator.comparingLong(p -> p.id));
      for (Pending request : toSend) {
        send(request, ws, generation);
      }
    }
    if (reconnect) {
      reconnects.incrementAndGet();
      LOG.info("reconnected to {}", uri);
    } else {
      LOG.debug("connected to {}", uri);
    }
    for (ActiveSubscription subscription : subscriptions) {
      if (subscription.active && subscription.persistent && subscription.subscriptionId == null && !subscription.subscribing) {
        subscription.start();
      }
    }
    callbacks.execute(() -> connectionListeners.forEach(listener -> listener.accept(true)));
  }

  private void connectionLost(WebSocket which, String reason) {
    List<Pending> toFail = new ArrayList<>();
    List<ActiveSubscription> lostOnce = new ArrayList<>();
    synchronized (lock) {
      if (socket != which || socket == null) {
        return;
      }
      socket = null;
      for (Pending request : new ArrayList<>(pending.values())) {
        if (request.subscription != null) {
          // Subscriptions are re-made (or reported lost) below rather than resent as requests.
          pending.remove(request.id, request);
          cancelTimeout(request);
        } else if (request.sentGeneration > 0 && !request.retry) {
          toFail.add(request);
        } else {
          request.sentGeneration = 0;
        }
      }
      bySubscriptionId.clear();
      for (ActiveSubscription subscription : subscriptions) {
        subscription.subscriptionId = null;
        subscription.subscribing = false;
        if (!subscription.persistent) {
          lostOnce.add(subscription);
        }
      }
    }
    LOG.warn("connection to {} lost: {}; reconnecting", uri, reason);
    for (Pending request : toFail) {
      fail(request, new ChainException(Kind.CONNECTION, request.method + " was sent to " + uri
          + " but the connection dropped before the answer (" + reason + "); it may or may not have taken effect"));
    }
    for (ActiveSubscription subscription : lostOnce) {
      subscription.lost(new ChainException(Kind.CONNECTION, subscription.method + " subscription to " + uri
          + " was lost when the connection dropped (" + reason + ")"));
    }
    callbacks.execute(() -> connectionListeners.forEach(listener -> listener.accept(false)));
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    long delay;
    synchronized (lock) {
      if (closed) {
        return;
      }
      failedAttempts++;
      long base = options.initialBackoff().toMillis() << Math.min(failedAttempts - 1, 16);
      delay = Math.min(base, options.maxBackoff().toMillis());
      delay += ThreadLocalRandom.current().nextLong(Math.max(1, delay / 5));
    }
    scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  private void handleMessage(String text) {
    JsonNode message;
    try {
      message = MAPPER.readTree(text);
    } catch (IOException e) {
      LOG.warn("ignoring a message from {} that is not JSON ({} chars)", uri, text.length());
      return;
    }
    if (message.has("id") && !message.get("id").isNull()) {
      Pending request = pending.get(message.get("id").asLong());
      if (request == null) {
        return; // timed out earlier, or an answer to a resent duplicate
      }
      JsonNode error = message.get("error");
      if (error != null && !error.isNull()) {
        JsonNode data = error.get("data");
        fail(request, new JsonRpcException(request.method, error.path("code").asInt(), error.path("message").asText(),
            data == null || data.isNull() ? null : data.isTextual() ? data.asText() : data.toString()));
        return;
      }
      JsonNode result = message.has("result") ? message.get("result") : com.fasterxml.jackson.databind.node.NullNode.getInstance();
      if (request.subscription != null) {
        request.subscription.established(result.asText());
      }
      complete(request, result);
      return;
    }
    JsonNode params = message.get("params");
    if (params != null && params.has("subscription")) {
      ActiveSubscription subscription = bySubscriptionId.get(params.get("subscription").asText());
      if (subscription != null && subscription.active) {
        JsonNode result = params.get("result");
        callbacks.execute(() -> subscription.deliver(result));
      }
    }
  }

  private void complete(Pending request, JsonNode result) {
    if (pending.remove(request.id, request)) {
      cancelTimeout(request);
      callbacks.execute(() -> request.future.complete(result));
    }
  }

  private void fail(Pending request, ChainException error) {
    if (pending.remove(request.id, request)) {
      cancelTimeout(request);
      if (request.subscription != null) {
        request.subscription.failedToStart(error);
      }
      try {
        callbacks.execute(() -> request.future.completeExceptionally(error));
      } catch (java.util.concurrent.RejectedExecutionException shutDown) {
        request.future.completeExceptionally(error);
      }
    }
  }

  private static void cancelTimeout(Pending request) {
    ScheduledFuture<?> timeout = request.timeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  private static ArrayNode toParams(Object[] params) {
    ArrayNode array = MAPPER.createArrayNode();
    for (Object param : params) {
      array.add(param instanceof JsonNode node ? node : MAPPER.valueToTree(param));
    }
    return array;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static final class Pending {
    final long id;
    final String method;
    final ArrayNode params;
    final boolean retry;
    final ActiveSubscription subscription;
    final CompletableFuture<JsonNode> future;
    volatile long sentGeneration;
    volatile ScheduledFuture<?> timeout;

    Pending(long id, String method, ArrayNode params, boolean retry, ActiveSubscription subscription, CompletableFuture<JsonNode> future) {
      this.id = id;
      this.method = method;
      this.params = params;
      this.retry = retry;
      this.subscription = subscription;
      this.future = future;
    }
  }

  private final class ActiveSubscription implements Subscription {
    final String method;
    final ArrayNode params;
    final String unsubscribeMethod;
    final Consumer<JsonNode> listener;
    final boolean persistent;
    final Consumer<ChainException> onLost;
    volatile boolean active = true;
    volatile boolean subscribing;
    volatile String subscriptionId;

    ActiveSubscription(String method, ArrayNode params, String unsubscribeMethod, Consumer<JsonNode> listener, boolean persistent,
        Consumer<ChainException> onLost) {
      this.method = method;
      this.params = params;
      this.unsubscribeMethod = unsubscribeMethod;
      this.listener = listener;
      this.persistent = persistent;
      this.onLost = onLost;
    }

    void start() {
      subscribing = true;
      request(method, params.deepCopy(), persistent, this, options.requestTimeout());
    }

    /** Runs on the reader thread, before any notification that follows the answer is handled. */
    void established(String id) {
      subscribing = false;
      if (!active) {
        callOnce(unsubscribeMethod, id).exceptionally(ignored -> null);
        return;
      }
      subscriptionId = id;
      bySubscriptionId.put(id, this);
    }

    void failedToStart(ChainException error) {
      subscribing = false;
      if (!active || error.kind() == Kind.CLOSED) {
        return;
      }
      if (persistent) {
        LOG.warn("{} subscription failed ({}); retrying", method, error.getMessage());
        scheduler.schedule(() -> {
          if (active && subscriptionId == null && !subscribing && isConnected()) {
            start();
          }
        }, options.initialBackoff().toMillis() * 4, TimeUnit.MILLISECONDS);
      } else {
        lost(error);
      }
    }

    void lost(ChainException error) {
      if (active) {
        active = false;
        subscriptions.remove(this);
        if (onLost != null) {
          callbacks.execute(() -> onLost.accept(error));
        }
      }
    }

    void deliver(JsonNode result) {
      if (!active) {
        return;
      }
      try {
        listener.accept(result);
      } catch (RuntimeException e) {
        LOG.warn("{} listener failed: {}", method, e.toString());
      }
    }

    @Override
    public void close() {
      if (!active) {
        return;
      }
      active = false;
      subscriptions.remove(this);
      String id = subscriptionId;
      if (id != null) {
        bySubscriptionId.remove(id);
        callOnce(unsubscribeMethod, id).exceptionally(ignored -> null);
      }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String text = buffer.toString();
        buffer.setLength(0);
        try {
          handleMessage(text);
        } catch (RuntimeException e) {
          LOG.warn("failed to handle a message from {}: {}", uri, e.toString());
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      connectionLost(webSocket, "closed by the server (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      connectionLost(webSocket, rootMessage(error));
    }
  }
}
