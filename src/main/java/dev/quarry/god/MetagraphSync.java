package dev.quarry.god;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.chain.Chain;
import dev.quarry.http.Metrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the miner's view of the metagraph fresh, as Fiber's {@code Metagraph.periodically_sync_nodes}
 * does: read the subnet's stake weights now and then every {@code stakeRefresh} (300 s), replacing
 * the whole map at once. Unlike Fiber, a failed read is retried with backoff (Fiber's sync thread
 * dies on an exception and the map is never refreshed again) and the last good map is kept and
 * served meanwhile. The map is saved to a cache file (Fiber's {@code nodes.json}) after each read
 * and loaded at start, so a restart while the chain is unreachable still knows the validators.
 */
final class MetagraphSync {

  private static final Logger log = LoggerFactory.getLogger(MetagraphSync.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration FIRST_RETRY = Duration.ofSeconds(5);

  sealed interface Command permits Refresh, Read, ReadFailed, Stop {}

  enum Refresh implements Command { INSTANCE }

  enum Stop implements Command { INSTANCE }

  record Read(MetagraphStakes stakes) implements Command {}

  record ReadFailed(Throwable cause) implements Command {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Chain chain;
  private final GodSettings settings;
  private final AtomicReference<MetagraphStakes> current;
  private final Metrics metrics;
  private final Executor fileWriter;
  private Duration retry = FIRST_RETRY;

  private MetagraphSync(ActorContext<Command> context, TimerScheduler<Command> timers, Chain chain, GodSettings settings,
      AtomicReference<MetagraphStakes> current, Metrics metrics, Executor fileWriter) {
    this.context = context;
    this.timers = timers;
    this.chain = chain;
    this.settings = settings;
    this.current = current;
    this.metrics = metrics;
    this.fileWriter = fileWriter;
  }

  static Behavior<Command> create(Chain chain, GodSettings settings, AtomicReference<MetagraphStakes> current, Metrics metrics,
      Executor fileWriter) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      MetagraphSync sync = new MetagraphSync(context, timers, chain, settings, current, metrics, fileWriter);
      loadCache(settings.metagraphCache(), settings.netuid()).ifPresent(cached -> {
        if (current.get().stakes().isEmpty()) {
          current.set(cached);
          log.info("loaded {} hotkeys of subnet {} read at {} from {}; refreshing from the chain now",
              cached.stakes().size(), settings.netuid(), cached.syncedAt(), settings.metagraphCache());
        }
      });
      context.getSelf().tell(Refresh.INSTANCE);
      return sync.behavior();
    }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Refresh.INSTANCE, this::refresh)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .onMessage(Read.class, this::onRead)
        .onMessage(ReadFailed.class, this::onFailure)
        .build();
  }

  private Behavior<Command> refresh() {
    CompletableFuture<MetagraphStakes> read = chain.currentBlock().toCompletableFuture()
        .exceptionally(unknown -> -1L)
        .thenCombine(chain.stakeWeights(settings.netuid()).toCompletableFuture(),
            (block, neurons) -> MetagraphStakes.fromChain(neurons, Instant.now(), block));
    context.pipeToSelf(read, (stakes, failure) -> failure == null ? new Read(stakes) : new ReadFailed(failure));
    return Behaviors.same();
  }

  private Behavior<Command> onRead(Read read) {
    MetagraphStakes stakes = read.stakes();
    current.set(stakes);
    retry = FIRST_RETRY;
    long answered = stakes.countAtLeast(settings.minStakeThreshold());
    metrics.godMetagraph(answered, stakes.syncedAt());
    log.info("metagraph of subnet {} read at block {}: {} hotkeys, {} with at least {} TAO", settings.netuid(), stakes.block(),
        stakes.stakes().size(), answered, settings.minStakeThreshold());
    CompletableFuture.runAsync(() -> saveCache(settings.metagraphCache(), settings.netuid(), stakes), fileWriter);
    timers.startSingleTimer(Refresh.INSTANCE, settings.stakeRefresh());
    return Behaviors.same();
  }

  private Behavior<Command> onFailure(ReadFailed failed) {
    Throwable cause = failed.cause() instanceof java.util.concurrent.CompletionException && failed.cause().getCause() != null
        ? failed.cause().getCause() : failed.cause();
    MetagraphStakes kept = current.get();
    log.warn("cannot read the metagraph of subnet {}: {}; keeping {} known hotkeys{}, retrying in {} s", settings.netuid(),
        cause.getMessage(), kept.stakes().size(), kept.block() >= 0 ? " from block " + kept.block() : "", retry.toSeconds());
    metrics.error(Metrics.Component.GOD);
    timers.startSingleTimer(Refresh.INSTANCE, retry);
    retry = retry.multipliedBy(2).compareTo(settings.stakeRefresh()) > 0 ? settings.stakeRefresh() : retry.multipliedBy(2);
    return Behaviors.same();
  }

  /** Reads the cache file; empty (with a warning) when missing, for another subnet, or unreadable. */
  static Optional<MetagraphStakes> loadCache(Path file, int netuid) {
    try {
      JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (root.path("netuid").asInt(-1) != netuid) {
        log.warn("ignoring {}: it is for subnet {}", file, root.path("netuid").asText());
        return Optional.empty();
      }
      Map<String, Double> stakes = new HashMap<>();
      root.path("stakes").fields().forEachRemaining(entry -> {
        if (!entry.getValue().isNumber()) {
          throw new IllegalArgumentException("stake of " + entry.getKey() + " is not a number");
        }
        stakes.put(entry.getKey(), entry.getValue().doubleValue());
      });
      return Optional.of(new MetagraphStakes(stakes, Instant.parse(root.path("synced_at").asText()), root.path("block").asLong(-1)));
    } catch (NoSuchFileException absent) {
      return Optional.empty();
    } catch (IOException | RuntimeException unreadable) {
      log.warn("ignoring the metagraph cache {}: {}", file, unreadable.getMessage());
      return Optional.empty();
    }
  }

  /** Writes the cache file atomically (temporary file, then rename). */
  static void saveCache(Path file, int netuid, MetagraphStakes stakes) {
    ObjectNode root = JSON.createObjectNode();
    root.put("netuid", netuid);
    root.put("synced_at", stakes.syncedAt().toString());
    root.put("block", stakes.block());
    ObjectNode byHotkey = root.putObject("stakes");
    stakes.stakes().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(entry -> byHotkey.put(entry.getKey(), entry.getValue()));
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
      try {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException failure) {
      log.warn("cannot save the metagraph cache {}: {}", file, failure.getMessage());
    }
  }

}
