package dev.quarry.mining.local;

import dev.quarry.chain.BlockHead;
import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.ChainIdentity;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.HeadSubscription;
import dev.quarry.chain.Inclusion;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Keypair;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The chain of a worker-only node that joined a local network in another process: it has none.
 * Worker nodes never read the chain (the coordinator does); should something ask, it fails saying so.
 */
final class NoChain implements Chain {

  private static <T> CompletionStage<T> none() {
    return CompletableFuture.failedFuture(new ChainException(ChainException.Kind.CONNECTION,
        "this worker-only node of a local network has no chain; the node running the network follows it"));
  }

  @Override
  public CompletionStage<ChainIdentity> identity() {
    return none();
  }

  @Override
  public CompletionStage<Long> currentBlock() {
    return none();
  }

  @Override
  public CompletionStage<String> blockHash(long number) {
    return none();
  }

  @Override
  public CompletionStage<Instant> blockTimestamp(long number) {
    return none();
  }

  @Override
  public HeadSubscription subscribeHeads(Consumer<BlockHead> listener) {
    return () -> { };
  }

  @Override
  public CompletionStage<OptionalInt> uid(int netuid, AccountId hotkey) {
    return none();
  }

  @Override
  public CompletionStage<List<NeuronInfo>> neurons(int netuid) {
    return none();
  }

  @Override
  public CompletionStage<Optional<Commitment>> commitment(int netuid, AccountId hotkey) {
    return none();
  }

  @Override
  public CompletionStage<Map<AccountId, Commitment>> commitments(int netuid) {
    return none();
  }

  @Override
  public CompletionStage<Inclusion> setCommitment(Keypair hotkey, int netuid, byte[] data) {
    return none();
  }

  @Override
  public CompletionStage<Inclusion> serveAxon(Keypair hotkey, int netuid, InetAddress ip, int port, int protocol, long version) {
    return none();
  }

  @Override
  public void close() {}
}
