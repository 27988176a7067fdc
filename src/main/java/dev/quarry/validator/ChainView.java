package dev.quarry.validator;

import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.crypto.AccountId;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the validator reads from the chain, synchronously: the head, block hashes and timestamps,
 * the subnet's neurons and their read-credential commitments. {@link #of(Chain, int, Duration)}
 * adapts a live {@link Chain} (subtensor or {@code LocalChain}); {@link ChainSnapshot} is a recorded
 * one (the embedded default's chain state on disk).
 */
public interface ChainView {

  /** A metagraph entry. */
  record Neuron(int uid, String hotkey) {}

  /** The number of the best block. */
  long currentBlock();

  /** The hash of block {@code number}; a {@link ChainException} when it does not exist (yet). */
  BlockHash blockHash(long number);

  /** The block's {@code Timestamp.Now}. */
  Instant blockTimestamp(long number);

  /** The subnet's neurons, by UID. */
  List<Neuron> neurons();

  /**
   * The valid read-credential commitments by hotkey ({@code get_all_commitments} then
   * {@code read_commitment}: 128 characters split 32/32/64); hotkeys without one are absent.
   */
  Map<String, ReadCredentialCommitment> readCredentials();

  /** A live chain, each call waiting at most {@code timeout}. */
  static ChainView of(Chain chain, int netuid, Duration timeout) {
    return new ChainView() {
      @Override
      public long currentBlock() {
        return await(chain.currentBlock());
      }

      @Override
      public BlockHash blockHash(long number) {
        return BlockHash.parse(await(chain.blockHash(number)));
      }

      @Override
      public Instant blockTimestamp(long number) {
        return await(chain.blockTimestamp(number));
      }

      @Override
      public List<Neuron> neurons() {
        List<Neuron> neurons = new ArrayList<>();
        for (NeuronInfo neuron : await(chain.neurons(netuid))) {
          neurons.add(new Neuron(neuron.uid(), neuron.hotkey().ss58()));
        }
        return neurons;
      }

      @Override
      public Map<String, ReadCredentialCommitment> readCredentials() {
        Map<String, ReadCredentialCommitment> credentials = new TreeMap<>();
        for (Map.Entry<AccountId, Commitment> entry : await(chain.commitments(netuid)).entrySet()) {
          Optional<ReadCredentialCommitment> parsed = ReadCredentialCommitment.parse(entry.getValue().text());
          parsed.ifPresent(commitment -> credentials.put(entry.getKey().ss58(), commitment));
        }
        return credentials;
      }

      private <T> T await(CompletionStage<T> stage) {
        try {
          return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ChainException(ChainException.Kind.CLOSED, "interrupted while waiting for the chain");
        } catch (TimeoutException slow) {
          throw new ChainException(ChainException.Kind.TIMEOUT, "the chain did not answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException failed) {
          if (failed.getCause() instanceof ChainException chainException) {
            throw chainException;
          }
          throw new ChainException(ChainException.Kind.RPC, String.valueOf(failed.getCause().getMessage()), failed.getCause());
        }
      }
    };
  }
}
