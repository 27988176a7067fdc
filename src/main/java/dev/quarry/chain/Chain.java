package dev.quarry.chain;

import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Keypair;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What a miner or validator needs from a Bittensor chain. Every method returns at once; results
 * arrive on the returned stage (actors pipe them to themselves), failures as a {@link
 * ChainException}. Implementations: {@code SubtensorClient} (a real node over WebSocket
 * JSON-RPC) and {@code LocalChain} (in-process, for the embedded default and tests).
 */
public interface Chain extends AutoCloseable {

  /** Genesis hash, chain name and runtime versions. */
  CompletionStage<ChainIdentity> identity();

  /** The number of the current best block. */
  CompletionStage<Long> currentBlock();

  /** The {@code "0x"} + 64 lowercase hex hash of block {@code number}; fails if it does not exist yet. */
  CompletionStage<String> blockHash(long number);

  /** The block's {@code Timestamp.Now}. */
  CompletionStage<Instant> blockTimestamp(long number);

  /**
   * Calls {@code listener} with each new best block, in order, from the next block on; survives
   * reconnects. The listener runs on a client thread and must not block.
   */
  HeadSubscription subscribeHeads(Consumer<BlockHead> listener);

  /** The hotkey's uid on the subnet, or empty when it is not registered ({@code SubtensorModule.Uids}). */
  CompletionStage<OptionalInt> uid(int netuid, AccountId hotkey);

  /** The subnet's metagraph at the best block, ordered by uid. */
  CompletionStage<List<NeuronInfo>> neurons(int netuid);

  /**
   * Every neuron's stake weights at the best block ({@code SubnetInfoRuntimeApi}: alpha, root and
   * total stake per uid), ordered by uid. This is what Fiber's metagraph sync compares with
   * {@code MIN_STAKE_THRESHOLD}. Implementations that cannot read it fail the stage with
   * {@link ChainException.Kind#INCOMPATIBLE_RUNTIME}.
   */
  default CompletionStage<List<NeuronStake>> stakeWeights(int netuid) {
    return java.util.concurrent.CompletableFuture.failedFuture(new ChainException(ChainException.Kind.INCOMPATIBLE_RUNTIME,
        getClass().getSimpleName() + " cannot read stake weights"));
  }

  /** The hotkey's commitment on the subnet, if any. */
  CompletionStage<Optional<Commitment>> commitment(int netuid, AccountId hotkey);

  /** Every commitment on the subnet, by hotkey. */
  CompletionStage<Map<AccountId, Commitment>> commitments(int netuid);

  /**
   * Every commitment on the subnet in the state after block {@code number} (the SDK's
   * {@code get_all_commitments(netuid, block=number)}). A hotkey keeps only its latest commitment,
   * so protocols that commit in phases (BlockZero) read the state just after each phase. Nodes
   * without that block's state (a pruned non-archive node, a chain without history) fail the stage.
   */
  default CompletionStage<Map<AccountId, Commitment>> commitmentsAt(int netuid, long number) {
    return java.util.concurrent.CompletableFuture.failedFuture(new ChainException(ChainException.Kind.INCOMPATIBLE_RUNTIME,
        getClass().getSimpleName() + " cannot read commitments at a past block"));
  }

  /**
   * Publishes {@code data} (at most 128 bytes, one {@code Raw} field) as the hotkey's commitment
   * and completes when the extrinsic is in a block and succeeded.
   */
  CompletionStage<Inclusion> setCommitment(Keypair hotkey, int netuid, byte[] data);

  /** Serves the axon endpoint for the hotkey on the subnet ({@code ip_type} follows the address). */
  CompletionStage<Inclusion> serveAxon(Keypair hotkey, int netuid, InetAddress ip, int port, int protocol, long version);

  /** Releases connections and timers; pending stages fail with {@link ChainException.Kind#CLOSED}. */
  @Override
  void close();
}
