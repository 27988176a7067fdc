package dev.quarry.chain.local;

import dev.quarry.chain.AxonInfo;
import dev.quarry.chain.BlockHead;
import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.ChainException.Kind;
import dev.quarry.chain.ChainIdentity;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.HeadSubscription;
import dev.quarry.chain.Inclusion;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.chain.NeuronStake;
import dev.quarry.chain.scale.ScaleException;
import dev.quarry.chain.scale.ScaleReader;
import dev.quarry.chain.scale.ScaleWriter;
import dev.quarry.chain.subtensor.Era;
import dev.quarry.chain.subtensor.Extrinsics;
import dev.quarry.chain.subtensor.SubtensorCalls;
import dev.quarry.chain.subtensor.SubtensorCodec;
import dev.quarry.chain.subtensor.SubtensorErrors;
import dev.quarry.chain.subtensor.TransactionParams;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process chain that serves miners and validators through the same {@link Chain} interface
 * as a real node.
 *
 * <p>Blocks are produced every {@code blockTime} (200 ms and up) or, in manual mode, by {@link
 * #advance(int)}. Block hashes are real blake2b-256 header hashes and, like timestamps
 * ({@code genesisTime + number × blockTime}), depend only on the seed and the operations applied,
 * so runs are reproducible. Signed operations are built as v4 extrinsics with the caller's key,
 * then decoded and signature-checked by the chain before they are accepted, and included in the
 * next block; the subtensor rules that matter to miners are enforced (registration, serving rate
 * limit, port and IP checks, commitment sizes). Admin methods register neurons and set state
 * directly. All work runs on one chain thread; listeners run there too and must not block.
 */
public final class LocalChain implements Chain {

  private static final Logger LOG = LoggerFactory.getLogger(LocalChain.class);

  /** Settings; see {@link #defaults()}. */
  public record Config(long seed, Duration blockTime, Instant genesisTime, boolean produceOnTimer,
      long servingRateLimitBlocks, long eraPeriod) {

    public Config {
      if (blockTime.toMillis() < 200) {
        throw new IllegalArgumentException("local chain block time must be at least 200 ms, got " + blockTime.toMillis() + " ms");
      }
    }

    /** Seed 0, 12-second blocks on a timer, genesis at 2025-01-01T00:00:00Z, subtensor's serving rate limit of 50. */
    public static Config defaults() {
      return new Config(0, Duration.ofSeconds(12), Instant.parse("2025-01-01T00:00:00Z"), true, 50, 64);
    }

    public Config withSeed(long value) {
      return new Config(value, blockTime, genesisTime, produceOnTimer, servingRateLimitBlocks, eraPeriod);
    }

    public Config withBlockTime(Duration value) {
      return new Config(seed, value, genesisTime, produceOnTimer, servingRateLimitBlocks, eraPeriod);
    }

    /** No timer: blocks are produced only by {@link LocalChain#advance(int)} (for deterministic tests). */
    public Config manual() {
      return new Config(seed, blockTime, genesisTime, false, servingRateLimitBlocks, eraPeriod);
    }

    public Config withServingRateLimit(long blocks) {
      return new Config(seed, blockTime, genesisTime, produceOnTimer, blocks, eraPeriod);
    }
  }

  /** An extrinsic the chain applied: where, who, what. */
  public record AppliedExtrinsic(long blockNumber, int index, String extrinsicHash, AccountId signer, String call, int netuid) {}

  /** The local runtime's spec name and versions (it is not subtensor, and says so). */
  public static final String SPEC_NAME = "quarry-local";
  public static final long SPEC_VERSION = 1;
  public static final long TRANSACTION_VERSION = 1;

  private record Block(long number, String hash, String parentHash, Instant timestamp) {}

  private record Pending(byte[] bytes, Extrinsics.Decoded decoded, String call, int netuid, Runnable apply,
      CompletableFuture<Inclusion> result) {}

  private static final class Neuron {
    final int uid;
    final AccountId hotkey;
    final AccountId coldkey;
    long stake;
    final long registeredAt;
    final boolean validatorPermit;
    AxonInfo axon = new AxonInfo(0, 0, BigInteger.ZERO, 0, 0, 0);

    Neuron(int uid, AccountId hotkey, AccountId coldkey, long stake, long registeredAt, boolean validatorPermit) {
      this.validatorPermit = validatorPermit;
      this.uid = uid;
      this.hotkey = hotkey;
      this.coldkey = coldkey;
      this.stake = stake;
      this.registeredAt = registeredAt;
    }
  }

  private final Config config;
  private final ScheduledExecutorService thread;
  /** Results and head notifications are delivered here, in order, so callers cannot stall the chain. */
  private final java.util.concurrent.ExecutorService callbacks;
  private final List<Block> blocks = new ArrayList<>();
  private final Map<Integer, Map<AccountId, Neuron>> subnets = new HashMap<>();
  private final Map<Integer, Map<AccountId, Commitment>> commitments = new HashMap<>();
  /** Every commitment ever set, in order, so the state at a past block can be answered. */
  private final Map<Integer, List<Commitment>> commitmentHistory = new HashMap<>();
  private final Map<AccountId, Long> nonces = new HashMap<>();
  private final List<Pending> pool = new ArrayList<>();
  private final List<Consumer<BlockHead>> listeners = new CopyOnWriteArrayList<>();
  private final List<AppliedExtrinsic> applied = new CopyOnWriteArrayList<>();
  private long stateVersion;
  private volatile long head;
  private volatile boolean closed;

  private LocalChain(Config config) {
    this.config = config;
    this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread chainThread = new Thread(runnable, "quarry-local-chain");
      chainThread.setDaemon(true);
      return chainThread;
    });
    this.callbacks = Executors.newSingleThreadExecutor(runnable -> {
      Thread callbackThread = new Thread(runnable, "quarry-local-chain-callbacks");
      callbackThread.setDaemon(true);
      return callbackThread;
    });
    blocks.add(makeBlock(0, "0x" + "00".repeat(32), List.of()));
    if (config.produceOnTimer()) {
      long millis = config.blockTime().toMillis();
      thread.scheduleAtFixedRate(this::produceSafely, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** Starts a local chain (genesis is block 0; with a timer, block 1 follows after one block time). */
  public static LocalChain start(Config config) {
    return new LocalChain(config);
  }

  public Config config() {
    return config;
  }

  /** The latest block number (readable from any thread). */
  public long headNumber() {
    return head;
  }

  // ---- admin ------------------------------------------------------------------------------

  /** Registers {@code hotkey} (owned by {@code coldkey}) on the subnet with the next free uid. */
  public CompletionStage<Integer> register(int netuid, AccountId hotkey, AccountId coldkey, long stakeRao) {
    return register(netuid, hotkey, coldkey, stakeRao, false);
  }

  /** As {@link #register(int, AccountId, AccountId, long)}, marking the neuron as a permitted validator or not. */
  public CompletionStage<Integer> register(int netuid, AccountId hotkey, AccountId coldkey, long stakeRao, boolean validatorPermit) {
    return onChain(() -> {
      Map<AccountId, Neuron> subnet = subnets.computeIfAbsent(netuid, n -> new LinkedHashMap<>());
      Neuron existing = subnet.get(hotkey);
      if (existing != null) {
        return existing.uid;
      }
      Neuron neuron = new Neuron(subnet.size(), hotkey, coldkey, stakeRao, head, validatorPermit);
      subnet.put(hotkey, neuron);
      stateVersion++;
      return neuron.uid;
    });
  }

  /** Sets a registered hotkey's stake (rao), as staking or unstaking would; fails if it is not registered. */
  public CompletionStage<Void> setStake(int netuid, AccountId hotkey, long stakeRao) {
    return onChain(() -> {
      Neuron neuron = subnets.getOrDefault(netuid, Map.of()).get(hotkey);
      if (neuron == null) {
        throw new ChainException(ChainException.Kind.RPC, hotkey + " is not registered on subnet " + netuid);
      }
      neuron.stake = stakeRao;
      stateVersion++;
      return null;
    });
  }

  /** Stores a commitment directly, as if the hotkey had committed at the current block. */
  public CompletionStage<Void> putCommitment(int netuid, AccountId hotkey, byte[] data) {
    byte[] copy = data.clone();
    return onChain(() -> {
      remember(netuid, new Commitment(hotkey, head, List.of(copy)));
      stateVersion++;
      return null;
    });
  }

  /** Produces {@code count} blocks now (including pending extrinsics) and returns the last head. */
  public CompletionStage<BlockHead> advance(int count) {
    return onChain(() -> {
      BlockHead last = null;
      for (int i = 0; i < count; i++) {
        last = produce();
      }
      return last;
    });
  }

  /** Extrinsics applied so far, in order. */
  public List<AppliedExtrinsic> appliedExtrinsics() {
    return List.copyOf(applied);
  }

  /**
   * Submits a signed extrinsic as {@code author_submitExtrinsic} would: decoded, signature and
   * nonce checked, call validated, then included in the next block.
   */
  public CompletionStage<Inclusion> submitExtrinsic(byte[] extrinsic) {
    byte[] copy = extrinsic.clone();
    return onChain(() -> admit(copy)).thenCompose(future -> future);
  }

  // ---- Chain ------------------------------------------------------------------------------

  @Override
  public CompletionStage<ChainIdentity> identity() {
    return onChain(() -> new ChainIdentity(blocks.get(0).hash(), "Quarry Local (seed " + config.seed() + ")", SPEC_NAME,
        SPEC_VERSION, TRANSACTION_VERSION));
  }

  @Override
  public CompletionStage<Long> currentBlock() {
    return onChain(() -> head);
  }

  @Override
  public CompletionStage<String> blockHash(long number) {
    return onChain(() -> block(number).hash());
  }

  @Override
  public CompletionStage<Instant> blockTimestamp(long number) {
    return onChain(() -> block(number).timestamp());
  }

  @Override
  public HeadSubscription subscribeHeads(Consumer<BlockHead> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public CompletionStage<OptionalInt> uid(int netuid, AccountId hotkey) {
    return onChain(() -> {
      Neuron neuron = subnets.getOrDefault(netuid, Map.of()).get(hotkey);
      return neuron == null ? OptionalInt.empty() : OptionalInt.of(neuron.uid);
    });
  }

  @Override
  public CompletionStage<List<NeuronInfo>> neurons(int netuid) {
    return onChain(() -> subnets.getOrDefault(netuid, Map.of()).values().stream()
        .sorted(java.util.Comparator.comparingInt(neuron -> neuron.uid))
        .map(neuron -> new NeuronInfo(neuron.uid, netuid, neuron.hotkey, neuron.coldkey, true, neuron.axon, neuron.stake,
            0, 0, 0, 0, 0, 0, 0, neuron.registeredAt, neuron.validatorPermit, 0))
        .toList());
  }

  /**
   * Stake weights: the local chain has no root stake, parents or children, so alpha and total are
   * the registered stake and tao is 0. Fails like subtensor (an RPC error) for an unknown subnet.
   */
  @Override
  public CompletionStage<List<NeuronStake>> stakeWeights(int netuid) {
    return onChain(() -> {
      Map<AccountId, Neuron> subnet = subnets.get(netuid);
      if (subnet == null) {
        throw new ChainException(ChainException.Kind.RPC, "subnet " + netuid + " does not exist");
      }
      return subnet.values().stream()
          .sorted(java.util.Comparator.comparingInt(neuron -> neuron.uid))
          .map(neuron -> new NeuronStake(neuron.uid, neuron.hotkey, neuron.stake, 0, neuron.stake))
          .toList();
    });
  }

  @Override
  public CompletionStage<Optional<Commitment>> commitment(int netuid, AccountId hotkey) {
    return onChain(() -> Optional.ofNullable(commitments.getOrDefault(netuid, Map.of()).get(hotkey)));
  }

  @Override
  public CompletionStage<Map<AccountId, Commitment>> commitments(int netuid) {
    return onChain(() -> java.util.Collections.unmodifiableMap(new LinkedHashMap<>(commitments.getOrDefault(netuid, Map.of()))));
  }

  /** The commitments as they stood after block {@code number}, in the order hotkeys first committed. */
  @Override
  public CompletionStage<Map<AccountId, Commitment>> commitmentsAt(int netuid, long number) {
    return onChain(() -> {
      block(number);
      Map<AccountId, Commitment> state = new LinkedHashMap<>();
      for (Commitment commitment : commitmentHistory.getOrDefault(netuid, List.of())) {
        if (commitment.block() <= number) {
          state.put(commitment.hotkey(), commitment);
        }
      }
      return java.util.Collections.unmodifiableMap(state);
    });
  }

  private void remember(int netuid, Commitment commitment) {
    commitments.computeIfAbsent(netuid, n -> new LinkedHashMap<>()).put(commitment.hotkey(), commitment);
    commitmentHistory.computeIfAbsent(netuid, n -> new ArrayList<>()).add(commitment);
  }

  @Override
  public CompletionStage<Inclusion> setCommitment(Keypair hotkey, int netuid, byte[] data) {
    byte[] call;
    try {
      call = SubtensorCalls.setCommitment(netuid, List.of(data));
    } catch (IllegalArgumentException invalid) {
      return CompletableFuture.failedFuture(invalid);
    }
    return signAndSubmit(hotkey, call);
  }

  @Override
  public CompletionStage<Inclusion> serveAxon(Keypair hotkey, int netuid, InetAddress ip, int port, int protocol, long version) {
    byte[] call;
    try {
      call = SubtensorCalls.serveAxon(netuid, version, ip, port, protocol);
    } catch (IllegalArgumentException invalid) {
      return CompletableFuture.failedFuture(invalid);
    }
    return signAndSubmit(hotkey, call);
  }

  /** Builds the extrinsic exactly as the subtensor client does (mortal era, next nonce) and admits it. */
  private CompletionStage<Inclusion> signAndSubmit(Keypair signer, byte[] call) {
    return onChain(() -> {
      Era era = Era.mortal(head, config.eraPeriod());
      TransactionParams params = new TransactionParams(era, nextNonce(signer.accountId()), 0, SPEC_VERSION, TRANSACTION_VERSION,
          Hex.decode(blocks.get(0).hash()), Hex.decode(blocks.get((int) era.birth(head)).hash()), null);
      // Signed and admitted in one chain-thread task, so a following advance() includes it.
      return admit(Extrinsics.signed(call, signer, params));
    }).thenCompose(future -> future);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    thread.execute(() -> {
      for (Pending pending : pool) {
        pending.result().completeExceptionally(new ChainException(Kind.CLOSED, "the local chain was stopped"));
      }
      pool.clear();
      // Last task on the chain thread: every earlier result has been handed to the callback thread.
      callbacks.shutdown();
    });
    thread.shutdown();
  }

  // ---- chain thread -----------------------------------------------------------------------

  private CompletableFuture<Inclusion> admit(byte[] bytes) {
    Extrinsics.Decoded decoded;
    try {
      decoded = Extrinsics.decode(bytes);
    } catch (ScaleException malformed) {
      return rejected("the node could not decode the extrinsic: " + malformed.getMessage());
    }
    long current = head;
    if (decoded.era().birth(current) > current || current >= decoded.era().death(current)) {
      return rejected("invalid transaction: transaction is outdated");
    }
    TransactionParams params = new TransactionParams(decoded.era(), decoded.nonce(), decoded.tip(), SPEC_VERSION, TRANSACTION_VERSION,
        Hex.decode(blocks.get(0).hash()), Hex.decode(blocks.get((int) decoded.era().birth(current)).hash()),
        decoded.metadataHashMode() == 1 ? new byte[32] : null);
    if (decoded.metadataHashMode() != 0 || !Extrinsics.verify(decoded, params)) {
      return rejected("invalid transaction: transaction has a bad signature");
    }
    long expectedNonce = nextNonce(decoded.signer());
    if (decoded.nonce() < expectedNonce) {
      return rejected("invalid transaction: transaction is outdated (nonce " + decoded.nonce() + " already used)");
    }
    if (decoded.nonce() > expectedNonce) {
      return rejected("invalid transaction: nonce " + decoded.nonce() + " is in the future (expected " + expectedNonce + ")");
    }
    ScaleReader call = new ScaleReader(decoded.call());
    try {
      int pallet = call.u8();
      int function = call.u8();
      if (pallet == SubtensorCalls.COMMITMENTS_PALLET && function == SubtensorCalls.SET_COMMITMENT) {
        return admitCommitment(bytes, decoded, call);
      }
      if (pallet == SubtensorCalls.SUBTENSOR_PALLET && function == SubtensorCalls.SERVE_AXON) {
        return admitServeAxon(bytes, decoded, call);
      }
      return rejected("the local chain supports only set_commitment and serve_axon (got call " + pallet + "/" + function + ")");
    } catch (ScaleException malformed) {
      return rejected("the node could not decode the call: " + malformed.getMessage());
    }
  }

  private CompletableFuture<Inclusion> admitCommitment(byte[] bytes, Extrinsics.Decoded decoded, ScaleReader call) {
    int netuid = call.u16();
    int count = call.compactLength();
    if (count > SubtensorCalls.MAX_FIELDS) {
      return rejected("invalid transaction: too many commitment fields (" + count + ")");
    }
    List<byte[]> fields = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int tag = call.u8();
      if (tag < 1 || tag > 129) {
        return rejected("the local chain accepts only Raw commitment fields");
      }
      fields.add(call.raw(tag - 1));
    }
    call.expectEnd("set_commitment");
    if (!isRegistered(netuid, decoded.signer())) {
      return rejectedCustom(10);
    }
    AccountId who = decoded.signer();
    return enqueue(bytes, decoded, "Commitments.set_commitment", netuid, () -> {
      remember(netuid, new Commitment(who, head, fields));
    });
  }

  private CompletableFuture<Inclusion> admitServeAxon(byte[] bytes, Extrinsics.Decoded decoded, ScaleReader call) {
    int netuid = call.u16();
    long version = call.u32();
    BigInteger ip = call.u128();
    int port = call.u16();
    int ipType = call.u8();
    int protocol = call.u8();
    call.u8();
    call.u8();
    call.expectEnd("serve_axon");
    Neuron neuron = subnets.getOrDefault(netuid, Map.of()).get(decoded.signer());
    if (neuron == null) {
      return rejectedCustom(10);
    }
    boolean validIp = ipType == 4
        ? ip.compareTo(BigInteger.valueOf(0xffffffffL)) < 0 && !ip.equals(BigInteger.valueOf(0x7f000001L))
        : ipType == 6 && !ip.equals(BigInteger.ONE) && !ip.equals(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
    if (!validIp) {
      return rejectedCustom(11);
    }
    if (port == 0) {
      return rejectedCustom(13);
    }
    if (neuron.axon.block() > 0 && head - neuron.axon.block() < config.servingRateLimitBlocks()) {
      return rejectedCustom(12);
    }
    return enqueue(bytes, decoded, "SubtensorModule.serve_axon", netuid, () ->
        neuron.axon = new AxonInfo(head, version, ip, port, ipType, protocol));
  }

  private CompletableFuture<Inclusion> enqueue(byte[] bytes, Extrinsics.Decoded decoded, String call, int netuid, Runnable apply) {
    CompletableFuture<Inclusion> result = new CompletableFuture<>();
    pool.add(new Pending(bytes, decoded, call, netuid, apply, result));
    return result;
  }

  private BlockHead produce() {
    if (closed) {
      throw new ChainException(Kind.CLOSED, "the local chain was stopped");
    }
    long number = head + 1;
    List<Pending> included = new ArrayList<>(pool);
    pool.clear();
    head = number;
    List<byte[]> extrinsics = new ArrayList<>();
    for (Pending pending : included) {
      // Calls execute in the new block (their "current block" is its number).
      pending.apply().run();
      nonces.merge(pending.decoded().signer(), 1L, Long::sum);
      extrinsics.add(pending.bytes());
      stateVersion++;
    }
    Block block = makeBlock(number, blocks.get(blocks.size() - 1).hash(), extrinsics);
    blocks.add(block);
    for (int i = 0; i < included.size(); i++) {
      Pending pending = included.get(i);
      String extrinsicHash = Hex.encode0x(Extrinsics.hash(pending.bytes()));
      applied.add(new AppliedExtrinsic(number, i, extrinsicHash, pending.decoded().signer(), pending.call(), pending.netuid()));
      Inclusion inclusion = new Inclusion(extrinsicHash, number, block.hash());
      callbacks.execute(() -> pending.result().complete(inclusion));
    }
    BlockHead blockHead = new BlockHead(number, block.hash(), block.parentHash());
    List<Consumer<BlockHead>> current = List.copyOf(listeners);
    callbacks.execute(() -> {
      for (Consumer<BlockHead> listener : current) {
        if (!listeners.contains(listener)) {
          continue;
        }
        try {
          listener.accept(blockHead);
        } catch (RuntimeException e) {
          LOG.warn("head listener failed: {}", e.toString());
        }
      }
    });
    return blockHead;
  }

  private void produceSafely() {
    try {
      if (!closed) {
        produce();
      }
    } catch (RuntimeException e) {
      LOG.warn("local block production failed: {}", e.toString());
    }
  }

  /** A header shaped like finney's (aura pre-runtime digest) whose hash is blake2b-256 of its SCALE form. */
  private Block makeBlock(long number, String parentHash, List<byte[]> extrinsics) {
    byte[] stateRoot = Hashes.blake2b256(new ScaleWriter().raw("quarry-local-state".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .u64(config.seed()).u64(number).u64(stateVersion).toByteArray());
    ScaleWriter body = new ScaleWriter().compact(extrinsics.size());
    extrinsics.forEach(body::raw);
    byte[] extrinsicsRoot = Hashes.blake2b256(body.toByteArray());
    Instant timestamp = config.genesisTime().plus(config.blockTime().multipliedBy(number));
    long slot = timestamp.toEpochMilli() / config.blockTime().toMillis();
    String auraDigest = "0x06" + Hex.encode("aura".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + "20"
        + Hex.encode(new ScaleWriter().u64(slot).toByteArray());
    String hash = SubtensorCodec.headerHash(parentHash, number, Hex.encode0x(stateRoot), Hex.encode0x(extrinsicsRoot), List.of(auraDigest));
    return new Block(number, hash, parentHash, timestamp);
  }

  private Block block(long number) {
    if (number < 0 || number > head) {
      throw new ChainException(Kind.RPC, "block " + number + " does not exist yet (head is " + head + ")");
    }
    return blocks.get((int) number);
  }

  private long nextNonce(AccountId account) {
    long pending = pool.stream().filter(p -> p.decoded().signer().equals(account)).count();
    return nonces.getOrDefault(account, 0L) + pending;
  }

  private boolean isRegistered(int netuid, AccountId hotkey) {
    return subnets.getOrDefault(netuid, Map.of()).containsKey(hotkey);
  }

  private static CompletableFuture<Inclusion> rejected(String reason) {
    // Completed before it leaves the chain thread; callers see it through onChain's callback thread.
    return CompletableFuture.failedFuture(new ChainException(Kind.REJECTED, "transaction rejected: " + reason));
  }

  private static CompletableFuture<Inclusion> rejectedCustom(int code) {
    return rejected(SubtensorErrors.customError(code) + " (subtensor custom error " + code + ")");
  }

  private <T> CompletableFuture<T> onChain(Callable<T> work) {
    if (closed) {
      return CompletableFuture.failedFuture(new ChainException(Kind.CLOSED, "the local chain was stopped"));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      thread.execute(() -> {
        try {
          T value = work.call();
          callbacks.execute(() -> result.complete(value));
        } catch (Exception e) {
          callbacks.execute(() -> result.completeExceptionally(e));
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      result.completeExceptionally(new ChainException(Kind.CLOSED, "the local chain was stopped"));
    }
    return result;
  }

  @Override
  public String toString() {
    return "LocalChain[seed=" + config.seed() + ", head=" + head + "]";
  }

}
