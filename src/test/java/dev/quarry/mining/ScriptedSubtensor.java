package dev.quarry.mining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quarry.chain.rpc.FakeRpcServer;
import dev.quarry.chain.rpc.FakeRpcServer.Answer;
import dev.quarry.chain.scale.ScaleWriter;
import dev.quarry.chain.subtensor.StorageKeys;
import dev.quarry.chain.subtensor.SubtensorCodec;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hex;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted subtensor node on a loopback WebSocket: it produces finney-shaped headers on a timer
 * (timestamps follow the wall clock, like the local network's chain) and answers what a miner's
 * coordinator asks a real node — the best header, block hashes, {@code Timestamp.Now}, the hotkey's
 * {@code Uids} entry, its commitment — and pushes {@code chain_newHead}. While {@link #outage} is
 * on, every request drops the connection and no head is pushed, like a node that went away.
 */
final class ScriptedSubtensor implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Long, ObjectNode> headers = new ConcurrentHashMap<>();
  private final Map<String, Long> numbers = new ConcurrentHashMap<>();
  private final AtomicLong best = new AtomicLong();
  private final AtomicBoolean down = new AtomicBoolean();
  private final Instant genesis;
  private final Duration blockTime;
  private final int netuid;
  private final AccountId registered;
  private final FakeRpcServer server;
  private final ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "scripted-subtensor");
    thread.setDaemon(true);
    return thread;
  });

  /** Blocks 0..{@code startBlock} exist at once (the last one "now"); one more every {@code blockTime}. */
  ScriptedSubtensor(long startBlock, Duration blockTime, int netuid, AccountId registered) {
    this.blockTime = blockTime;
    this.netuid = netuid;
    this.registered = registered;
    this.genesis = Instant.now().minus(blockTime.multipliedBy(startBlock));
    for (long number = 0; number <= startBlock; number++) {
      produce(number);
    }
    this.server = new FakeRpcServer((method, params, connection) -> answer(method, params));
    producer.scheduleAtFixedRate(() -> {
      ObjectNode header = produce(best.get() + 1);
      if (!down.get()) {
        server.notify("chain_newHead", header);
      }
    }, blockTime.toMillis(), blockTime.toMillis(), TimeUnit.MILLISECONDS);
  }

  URI uri() {
    return server.uri();
  }

  long head() {
    return best.get();
  }

  FakeRpcServer server() {
    return server;
  }

  /** Drops every connection and refuses service until {@link #recover()}. */
  void outage() {
    down.set(true);
    server.dropConnections();
  }

  void recover() {
    down.set(false);
  }

  private synchronized ObjectNode produce(long number) {
    String parent = number == 0 ? "0x" + "00".repeat(32) : SubtensorCodec.head(headers.get(number - 1)).hash();
    ObjectNode header = JSON.createObjectNode().put("parentHash", parent).put("number", "0x" + Long.toHexString(number))
        .put("stateRoot", "0x" + "11".repeat(32)).put("extrinsicsRoot", "0x" + "22".repeat(32));
    header.putObject("digest").putArray("logs").add("0x0661757261" + "20" + Hex.encode(new ScaleWriter().u64(number).toByteArray()));
    headers.put(number, header);
    numbers.put(SubtensorCodec.head(header).hash(), number);
    best.set(number);
    return header;
  }

  private Answer answer(String method, com.fasterxml.jackson.databind.node.ArrayNode params) {
    if (down.get()) {
      return new Answer.Drop();
    }
    return switch (method) {
      case "chain_getHeader" -> new Answer.Result(params.isEmpty() || params.get(0).isNull() ? headers.get(best.get())
          : headers.get(numbers.getOrDefault(params.get(0).asText(), -1L)));
      case "chain_getBlockHash" -> {
        long number = params.isEmpty() ? best.get() : params.get(0).asLong();
        ObjectNode header = headers.get(number);
        yield new Answer.Result(header == null ? JsonNodeFactory.instance.nullNode() : new TextNode(SubtensorCodec.head(header).hash()));
      }
      case "state_getStorage" -> new Answer.Result(storage(params.get(0).asText(), params.size() > 1 ? params.get(1).asText() : null));
      case "chain_subscribeNewHeads" -> new Answer.Subscribe("chain_newHead", null);
      case "chain_unsubscribeNewHeads" -> new Answer.Result(JsonNodeFactory.instance.booleanNode(true));
      default -> new Answer.Error(-32601, "Method not found", null);
    };
  }

  private JsonNode storage(String key, String atHash) {
    if (key.equals(StorageKeys.timestampNow())) {
      long number = atHash == null ? best.get() : numbers.getOrDefault(atHash, best.get());
      long millis = genesis.plus(blockTime.multipliedBy(number)).toEpochMilli();
      return new TextNode(Hex.encode0x(new ScaleWriter().u64(millis).toByteArray()));
    }
    if (key.equals(StorageKeys.uids(netuid, registered))) {
      return new TextNode(Hex.encode0x(new ScaleWriter().u16(1).toByteArray()));
    }
    return JsonNodeFactory.instance.nullNode();
  }

  @Override
  public void close() {
    producer.shutdownNow();
    server.close();
  }
}
