package dev.quarry.chain.subtensor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.chain.BlockHead;
import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.ChainException.Kind;
import dev.quarry.chain.ChainIdentity;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.HeadSubscription;
import dev.quarry.chain.Inclusion;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.chain.metadata.MetadataParser;
import dev.quarry.chain.metadata.RuntimeMetadata;
import dev.quarry.chain.rpc.JsonRpcException;
import dev.quarry.chain.rpc.JsonRpcWebSocket;
import dev.quarry.chain.scale.ScaleException;
import dev.quarry.chain.scale.ScaleReader;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Chain} over a subtensor node's WebSocket JSON-RPC (finney, testnet or a local node).
 *
 * <p>Reads use storage queries and the {@code NeuronInfoRuntimeApi}; writes build v4 signed
 * extrinsics (mortal era from the finalized head, nonce from {@code system_accountNextIndex}),
 * submit them with {@code author_submitAndWatchExtrinsic}, and confirm success from the
 * inclusion block's {@code System.Events}. Before the first signature for a runtime version the
 * metadata is checked with {@link RuntimeCompatibility}; an incompatible runtime fails every
 * write with {@link Kind#INCOMPATIBLE_RUNTIME}.
 */
public final class SubtensorClient implements Chain {

  private static final Logger LOG = LoggerFactory.getLogger(SubtensorClient.class);
  private static final int KEYS_PAGE = 1000;
  private static final int QUERY_CHUNK = 200;
  private static final int MAX_GAP_FILL = 256;

  /** Client settings. */
  public record Options(JsonRpcWebSocket.Options rpc, long eraPeriod, Duration inclusionTimeout, Duration headStallTimeout) {
    public static Options defaults() {
      return new Options(JsonRpcWebSocket.Options.defaults(), 64, Duration.ofMinutes(2), Duration.ofSeconds(90));
    }

    public Options withRpc(JsonRpcWebSocket.Options value) {
      return new Options(value, eraPeriod, inclusionTimeout, headStallTimeout);
    }

    public Options withInclusionTimeout(Duration value) {
      return new Options(rpc, eraPeriod, value, headStallTimeout);
    }

    public Options withHeadStallTimeout(Duration value) {
      return new Options(rpc, eraPeriod, inclusionTimeout, value);
    }
  }

  private record Runtime(long specVersion, long transactionVersion, String specName) {}

  private record CheckedMetadata(long specVersion, RuntimeMetadata metadata) {}

  private record StakeLayout(long specVersion, SelectiveMetagraph.Layout layout) {}

  private final JsonRpcWebSocket rpc;
  private final Options options;
  private final AtomicReference<CompletableFuture<String>> genesis = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<CheckedMetadata>> metadata = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<StakeLayout>> stakeLayout = new AtomicReference<>();
  private final java.util.concurrent.ScheduledExecutorService timers =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "quarry-subtensor-timer");
        thread.setDaemon(true);
        return thread;
      });

  private SubtensorClient(JsonRpcWebSocket rpc, Options options) {
    this.rpc = rpc;
    this.options = options;
  }

  /** Connects (in the background) to a node, e.g. {@code wss://entrypoint-finney.opentensor.ai:443}. */
  public static SubtensorClient connect(URI endpoint, Options options) {
    return new SubtensorClient(JsonRpcWebSocket.open(endpoint, options.rpc()), options);
  }

  public static SubtensorClient connect(URI endpoint) {
    return connect(endpoint, Options.defaults());
  }

  /** The underlying JSON-RPC connection (for callers that need another method). */
  public JsonRpcWebSocket rpc() {
    return rpc;
  }

  // ---- reads ------------------------------------------------------------------------------

  @Override
  public CompletionStage<ChainIdentity> identity() {
    return genesisHash().thenCombine(runtime(), (genesisHash, runtime) -> new Object[] {genesisHash, runtime})
        .thenCompose(parts -> rpc.call("system_chain").thenApply(name -> new ChainIdentity((String) parts[0], name.asText(),
            ((Runtime) parts[1]).specName(), ((Runtime) parts[1]).specVersion(), ((Runtime) parts[1]).transactionVersion())));
  }

  @Override
  public CompletionStage<Long> currentBlock() {
    return rpc.call("chain_getHeader").thenApply(header -> parseNumber(header.get("number")));
  }

  @Override
  public CompletionStage<String> blockHash(long number) {
    return rpc.call("chain_getBlockHash", number).thenApply(hash -> {
      if (hash == null || hash.isNull()) {
        throw new ChainException(Kind.RPC, "block " + number + " does not exist yet");
      }
      return hash.asText();
    });
  }

  @Override
  public CompletionStage<Instant> blockTimestamp(long number) {
    return blockHash(number).thenCompose(hash -> rpc.call("state_getStorage", StorageKeys.timestampNow(), hash))
        .thenApply(value -> {
          if (value == null || value.isNull()) {
            throw new ChainException(Kind.DECODING, "block " + number + " has no Timestamp.Now");
          }
          return Instant.ofEpochMilli(decode("Timestamp.Now", () -> {
            ScaleReader in = new ScaleReader(Hex.decode(value.asText()));
            long millis = in.u64();
            in.expectEnd("Timestamp.Now");
            return millis;
          }));
        });
  }

  @Override
  public HeadSubscription subscribeHeads(Consumer<BlockHead> listener) {
    HeadFollower follower = new HeadFollower(listener);
    follower.subscription = rpc.subscribe("chain_subscribeNewHeads", List.of(), "chain_unsubscribeNewHeads", follower::onHeader);
    follower.watchdog = timers.scheduleWithFixedDelay(follower::checkStall,
        options.headStallTimeout().toMillis(), Math.max(1000, options.headStallTimeout().toMillis() / 4), TimeUnit.MILLISECONDS);
    return follower;
  }

  @Override
  public CompletionStage<OptionalInt> uid(int netuid, AccountId hotkey) {
    return rpc.call("state_getStorage", StorageKeys.uids(netuid, hotkey))
        .thenApply(value -> decode("SubtensorModule.Uids", () -> SubtensorCodec.uid(value.isNull() ? null : value.asText())));
  }

  @Override
  public CompletionStage<List<NeuronInfo>> neurons(int netuid) {
    return neuronsAt(netuid, null);
  }

  /** The metagraph at a given block hash (null for the best block). */
  public CompletionStage<List<NeuronInfo>> neuronsAt(int netuid, String blockHash) {
    String args = Hex.encode0x(StorageKeys.netuidBytes(netuid));
    CompletableFuture<JsonNode> call = blockHash == null
        ? rpc.call("state_call", "NeuronInfoRuntimeApi_get_neurons_lite", args)
        : rpc.call("state_call", "NeuronInfoRuntimeApi_get_neurons_lite", args, blockHash);
    return call.thenApply(result -> decode("NeuronInfoLite list of subnet " + netuid,
        () -> SubtensorCodec.neuronsLite(Hex.decode(result.asText()))));
  }

  /**
   * Stake weights from {@code SubnetInfoRuntimeApi_get_selective_metagraph}, decoded with the
   * layout of the runtime's V15 metadata (fetched once per spec version).
   */
  @Override
  public CompletionStage<List<dev.quarry.chain.NeuronStake>> stakeWeights(int netuid) {
    return runtime().thenCompose(runtime -> stakeLayout(runtime.specVersion())).thenCompose(layout -> {
      String args = Hex.encode0x(SelectiveMetagraph.request(netuid, layout.layout()));
      return rpc.call("state_call", "SubnetInfoRuntimeApi_get_selective_metagraph", args)
          .thenApply(result -> decode("SelectiveMetagraph of subnet " + netuid,
              () -> SelectiveMetagraph.decode(layout.layout(), Hex.decode(result.asText())))
              .orElseThrow(() -> new ChainException(Kind.RPC, "subnet " + netuid + " does not exist")));
    });
  }

  private CompletableFuture<StakeLayout> stakeLayout(long specVersion) {
    CompletableFuture<StakeLayout> current = stakeLayout.get();
    if (current != null && !current.isCompletedExceptionally()
        && (!current.isDone() || current.join().specVersion() == specVersion)) {
      return current;
    }
    CompletableFuture<StakeLayout> fresh = rpc.call(Duration.ofMinutes(1), "state_call", "Metadata_metadata_at_version",
        SelectiveMetagraph.metadataV15Argument()).thenApply(hex -> {
          java.util.Optional<dev.quarry.chain.metadata.TypeRegistry> types = decode("V15 runtime metadata",
              () -> SelectiveMetagraph.registryFromMetadataAtVersion(Hex.decode(hex.asText())));
          if (types.isEmpty()) {
            throw new ChainException(Kind.INCOMPATIBLE_RUNTIME, "runtime spec " + specVersion + " has no V15 metadata; cannot read stake weights");
          }
          try {
            return new StakeLayout(specVersion, SelectiveMetagraph.layout(types.get()));
          } catch (ScaleException missing) {
            throw new ChainException(Kind.INCOMPATIBLE_RUNTIME, "runtime spec " + specVersion + ": " + missing.getMessage(), missing);
          }
        });
    stakeLayout.set(fresh);
    return fresh;
  }

  @Override
  public CompletionStage<Optional<Commitment>> commitment(int netuid, AccountId hotkey) {
    return rpc.call("state_getStorage", StorageKeys.commitmentOf(netuid, hotkey)).thenApply(value -> value == null || value.isNull()
        ? Optional.<Commitment>empty()
        : Optional.of(decode("Commitments.CommitmentOf", () -> SubtensorCodec.commitment(hotkey, Hex.decode(value.asText())))));
  }

  @Override
  public CompletionStage<Map<AccountId, Commitment>> commitments(int netuid) {
    // Pin one block so keys and values come from the same state.
    return rpc.call("chain_getBlockHash").thenCompose(hash -> commitmentsAtHash(netuid, hash.asText()));
  }

  @Override
  public CompletionStage<Map<AccountId, Commitment>> commitmentsAt(int netuid, long number) {
    return blockHash(number).thenCompose(hash -> commitmentsAtHash(netuid, hash));
  }

  private CompletionStage<Map<AccountId, Commitment>> commitmentsAtHash(int netuid, String at) {
    String prefix = StorageKeys.commitmentOfPrefix(netuid);
    return allKeys(prefix, null, at, new ArrayList<>()).thenCompose(keys -> queryValues(keys, at))
        .thenApply(values -> {
          Map<AccountId, Commitment> commitments = new LinkedHashMap<>();
          values.forEach((key, value) -> {
            AccountId hotkey = StorageKeys.commitmentKeyAccount(key);
            commitments.put(hotkey, decode("Commitments.CommitmentOf", () -> SubtensorCodec.commitment(hotkey, Hex.decode(value))));
          });
          return commitments;
        });
  }

  private CompletableFuture<List<String>> allKeys(String prefix, String startKey, String at, List<String> collected) {
    return rpc.call("state_getKeysPaged", prefix, KEYS_PAGE, startKey == null ? prefix : startKey, at).thenCompose(page -> {
      for (JsonNode key : page) {
        collected.add(key.asText());
      }
      if (page.size() < KEYS_PAGE) {
        return CompletableFuture.completedFuture(collected);
      }
      return allKeys(prefix, page.get(page.size() - 1).asText(), at, collected);
    });
  }

  private CompletableFuture<Map<String, String>> queryValues(List<String> keys, String at) {
    Map<String, String> values = new LinkedHashMap<>();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int start = 0; start < keys.size(); start += QUERY_CHUNK) {
      List<String> chunk = keys.subList(start, Math.min(keys.size(), start + QUERY_CHUNK));
      chain = chain.thenCompose(ignored -> rpc.call("state_queryStorageAt", chunk, at)).thenAccept(result -> {
        for (JsonNode change : result.path(0).path("changes")) {
          if (!change.get(1).isNull()) {
            values.put(change.get(0).asText(), change.get(1).asText());
          }
        }
      });
    }
    return chain.thenApply(ignored -> values);
  }

  // ---- writes -----------------------------------------------------------------------------

  @Override
  public CompletionStage<Inclusion> setCommitment(Keypair hotkey, int netuid, byte[] data) {
    byte[] call;
    try {
      call = SubtensorCalls.setCommitment(netuid, List.of(data));
    } catch (IllegalArgumentException invalid) {
      return CompletableFuture.failedFuture(invalid);
    }
    return submit(hotkey, call, "set_commitment");
  }

  @Override
  public CompletionStage<Inclusion> serveAxon(Keypair hotkey, int netuid, InetAddress ip, int port, int protocol, long version) {
    byte[] call;
    try {
      call = SubtensorCalls.serveAxon(netuid, version, ip, port, protocol);
    } catch (IllegalArgumentException invalid) {
      return CompletableFuture.failedFuture(invalid);
    }
    return submit(hotkey, call, "serve_axon");
  }

  /** Signs {@code call} with {@code signer} and waits for successful inclusion. */
  public CompletionStage<Inclusion> submit(Keypair signer, byte[] call, String what) {
    return runtime().thenCompose(runtime -> compatibleMetadata(runtime.specVersion())
        .thenCompose(checked -> transactionParams(signer, runtime)
            .thenCompose(params -> {
              byte[] extrinsic = Extrinsics.signed(call, signer, params);
              return watch(extrinsic, what, checked.metadata());
            })));
  }

  private CompletableFuture<TransactionParams> transactionParams(Keypair signer, Runtime runtime) {
    CompletableFuture<Long> finalized = rpc.call("chain_getFinalizedHead")
        .thenCompose(hash -> rpc.call("chain_getHeader", hash.asText()))
        .thenApply(header -> parseNumber(header.get("number")));
    CompletableFuture<Long> nonce = rpc.call("system_accountNextIndex", signer.ss58Address()).thenApply(JsonNode::asLong);
    return genesisHash().thenCompose(genesisHash -> finalized.thenCompose(current -> {
      Era era = Era.mortal(current, options.eraPeriod());
      return blockHash(era.birth(current)).thenCombine(nonce, (birthHash, next) -> new TransactionParams(era, next, 0,
          runtime.specVersion(), runtime.transactionVersion(), Hex.decode(genesisHash), Hex.decode(birthHash), null));
    }));
  }

  private CompletableFuture<Inclusion> watch(byte[] extrinsic, String what, RuntimeMetadata runtimeMetadata) {
    String extrinsicHex = Hex.encode0x(extrinsic);
    String extrinsicHash = Hex.encode0x(Extrinsics.hash(extrinsic));
    CompletableFuture<Inclusion> result = new CompletableFuture<>();
    AtomicReference<JsonRpcWebSocket.Subscription> subscription = new AtomicReference<>();
    java.util.concurrent.ScheduledFuture<?> timeout = timers.schedule(() -> result.completeExceptionally(new ChainException(Kind.TIMEOUT,
        what + " extrinsic " + extrinsicHash + " was not included within " + options.inclusionTimeout().toSeconds()
            + " s; it may still be included")), options.inclusionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    Consumer<JsonNode> onStatus = status -> {
      String state = status.isTextual() ? status.asText() : status.fieldNames().hasNext() ? status.fieldNames().next() : "";
      switch (state.toLowerCase(java.util.Locale.ROOT)) {
        case "future", "ready", "broadcast" -> LOG.debug("{} {}: {}", what, extrinsicHash, state);
        case "inblock", "finalized" -> {
          String blockHash = status.get(state).asText();
          confirm(extrinsicHex, extrinsicHash, blockHash, what, runtimeMetadata).whenComplete((inclusion, error) -> {
            if (error != null) {
              result.completeExceptionally(unwrap(error));
            } else {
              result.complete(inclusion);
            }
          });
        }
        default -> result.completeExceptionally(new ChainException(Kind.DROPPED,
            what + " extrinsic " + extrinsicHash + " was " + state + " by the node (" + status + ")"));
      }
    };
    try {
      subscription.set(rpc.subscribeOnce("author_submitAndWatchExtrinsic", List.of(extrinsicHex), "author_unwatchExtrinsic",
          onStatus, lost -> result.completeExceptionally(lost instanceof JsonRpcException rpcError
              ? SubtensorErrors.submissionRejected(rpcError) : lost)));
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    result.whenComplete((ignored, error) -> {
      timeout.cancel(false);
      JsonRpcWebSocket.Subscription active = subscription.get();
      if (active != null) {
        active.close();
      }
    });
    return result;
  }

  private CompletableFuture<Inclusion> confirm(String extrinsicHex, String extrinsicHash, String blockHash, String what,
      RuntimeMetadata runtimeMetadata) {
    CompletableFuture<JsonNode> block = rpc.call("chain_getBlock", blockHash);
    CompletableFuture<JsonNode> events = rpc.call("state_getStorage", StorageKeys.systemEvents(), blockHash);
    return block.thenCombine(events, (blockJson, eventsHex) -> {
      JsonNode extrinsics = blockJson.path("block").path("extrinsics");
      int index = -1;
      for (int i = 0; i < extrinsics.size(); i++) {
        if (extrinsics.get(i).asText().equalsIgnoreCase(extrinsicHex)) {
          index = i;
          break;
        }
      }
      if (index < 0) {
        throw new ChainException(Kind.DECODING, what + " extrinsic " + extrinsicHash + " is not in block " + blockHash);
      }
      long number = parseNumber(blockJson.path("block").path("header").get("number"));
      int extrinsicIndex = index;
      ExtrinsicEvents.Outcome outcome = decode("System.Events", () -> ExtrinsicEvents.outcome(runtimeMetadata,
          Hex.decode(eventsHex.asText()), extrinsicIndex)).orElseThrow(() -> new ChainException(Kind.DECODING,
          "block " + blockHash + " has no ExtrinsicSuccess/ExtrinsicFailed for " + what));
      if (!outcome.success()) {
        throw new ChainException(Kind.DISPATCH_FAILED, what + " failed in block " + number + ": " + outcome.error());
      }
      return new Inclusion(extrinsicHash, number, blockHash);
    });
  }

  // ---- runtime and metadata ---------------------------------------------------------------

  private CompletableFuture<String> genesisHash() {
    CompletableFuture<String> existing = genesis.get();
    if (existing != null && !existing.isCompletedExceptionally()) {
      return existing;
    }
    CompletableFuture<String> fresh = rpc.call("chain_getBlockHash", 0).thenApply(JsonNode::asText);
    genesis.set(fresh);
    return fresh;
  }

  private CompletableFuture<Runtime> runtime() {
    return rpc.call("state_getRuntimeVersion").thenApply(version -> new Runtime(version.get("specVersion").asLong(),
        version.get("transactionVersion").asLong(), version.path("specName").asText()));
  }

  private CompletableFuture<CheckedMetadata> compatibleMetadata(long specVersion) {
    CompletableFuture<CheckedMetadata> current = metadata.get();
    if (current != null && !current.isCompletedExceptionally()
        && (!current.isDone() || current.join().specVersion() == specVersion)) {
      return current;
    }
    CompletableFuture<CheckedMetadata> fresh = rpc.call(Duration.ofMinutes(1), "state_getMetadata").thenApply(hex -> {
      RuntimeMetadata parsed = decode("runtime metadata", () -> MetadataParser.parse(Hex.decode(hex.asText())));
      List<String> problems = RuntimeCompatibility.problems(parsed);
      if (!problems.isEmpty()) {
        throw new ChainException(Kind.INCOMPATIBLE_RUNTIME, "runtime spec " + specVersion
            + " does not match what Quarry encodes; refusing to sign: " + String.join("; ", problems));
      }
      LOG.info("runtime spec {} checked: call indices, storage hashers and signed extensions as expected", specVersion);
      return new CheckedMetadata(specVersion, parsed);
    });
    metadata.set(fresh);
    return fresh;
  }

  // ---- heads ------------------------------------------------------------------------------

  private final class HeadFollower implements HeadSubscription {
    private final Consumer<BlockHead> listener;
    volatile JsonRpcWebSocket.Subscription subscription;
    volatile java.util.concurrent.ScheduledFuture<?> watchdog;
    private long lastDelivered = -1;          // touched only on the RPC callback thread
    private volatile long lastHeadAt = System.nanoTime();
    private CompletableFuture<Void> delivery = CompletableFuture.completedFuture(null);

    HeadFollower(Consumer<BlockHead> listener) {
      this.listener = listener;
    }

    void onHeader(JsonNode header) {
      lastHeadAt = System.nanoTime();
      BlockHead head;
      try {
        head = SubtensorCodec.head(header);
      } catch (RuntimeException e) {
        LOG.warn("ignoring an undecodable header: {}", e.toString());
        return;
      }
      // Deliveries are chained so gap fills finish before later heads are considered.
      delivery = delivery.thenCompose(ignored -> deliver(head)).exceptionally(error -> {
        LOG.warn("head delivery failed: {}", unwrap(error).getMessage());
        return null;
      });
    }

    private CompletableFuture<Void> deliver(BlockHead head) {
      if (head.number() <= lastDelivered) {
        return CompletableFuture.completedFuture(null);
      }
      long gapStart = lastDelivered + 1;
      if (lastDelivered < 0 || head.number() - gapStart > MAX_GAP_FILL || gapStart == head.number()) {
        emit(head);
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (long number = gapStart; number < head.number(); number++) {
        long missing = number;
        chain = chain.thenCompose(ignored -> rpc.call("chain_getBlockHash", missing))
            .thenCompose(hash -> rpc.call("chain_getHeader", hash.asText()))
            .thenAccept(missingHeader -> emit(SubtensorCodec.head(missingHeader)));
      }
      return chain.thenRun(() -> emit(head));
    }

    private void emit(BlockHead head) {
      if (head.number() <= lastDelivered || subscription == null) {
        return;
      }
      lastDelivered = head.number();
      try {
        listener.accept(head);
      } catch (RuntimeException e) {
        LOG.warn("head listener failed: {}", e.toString());
      }
    }

    void checkStall() {
      if (System.nanoTime() - lastHeadAt > options.headStallTimeout().toNanos()) {
        lastHeadAt = System.nanoTime();
        rpc.forceReconnect("no new head for " + options.headStallTimeout().toSeconds() + " s");
      }
    }

    @Override
    public void close() {
      JsonRpcWebSocket.Subscription current = subscription;
      subscription = null;
      if (current != null) {
        current.close();
      }
      if (watchdog != null) {
        watchdog.cancel(false);
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static long parseNumber(JsonNode number) {
    if (number == null || number.isNull()) {
      throw new ChainException(Kind.DECODING, "header without a number");
    }
    String text = number.asText();
    return text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : number.asLong();
  }

  private static <T> T decode(String what, java.util.function.Supplier<T> decoder) {
    try {
      return decoder.get();
    } catch (ScaleException | IllegalArgumentException e) {
      throw new ChainException(Kind.DECODING, "cannot decode " + what + ": " + e.getMessage(), e);
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof java.util.concurrent.ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  @Override
  public void close() {
    timers.shutdownNow();
    rpc.close();
  }
}
