package dev.quarry.mining;

import dev.quarry.chain.Chain;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where the trainer's checkpoints are: the bucket the trainer (UID {@code trainerUid}, 0 on Grail)
 * published read credentials for on chain, as the reference miner finds it
 * ({@code chain_manager.get_bucket(TRAINER_UID)}). Called from blocking code; the answer may change
 * between calls (the trainer can re-commit), so callers ask again when it fails.
 */
@FunctionalInterface
public interface TrainerBucket {

  /** The trainer bucket's read-only client settings. */
  ObjectStoreSettings settings() throws IOException;

  /** A fixed bucket (tests, or an operator override). */
  static TrainerBucket fixed(ObjectStoreSettings settings) {
    return () -> settings;
  }

  /**
   * The bucket the trainer UID committed on chain, reached the way {@code minerBucket} is (same
   * endpoint override, region and addressing).
   */
  static TrainerBucket fromChain(Chain chain, int netuid, int trainerUid, ObjectStoreSettings minerBucket) {
    return () -> {
      try {
        List<NeuronInfo> neurons = chain.neurons(netuid).toCompletableFuture().get(60, TimeUnit.SECONDS);
        NeuronInfo trainer = neurons.stream().filter(neuron -> neuron.uid() == trainerUid).findFirst()
            .orElseThrow(() -> new IOException("subnet " + netuid + " has no UID " + trainerUid + " (the trainer)"));
        Optional<Commitment> commitment = chain.commitment(netuid, trainer.hotkey()).toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        if (commitment.isEmpty() || commitment.get().fields().isEmpty()) {
          throw new IOException("the trainer (UID " + trainerUid + ", " + trainer.hotkey() + ") has committed no bucket "
              + "credentials on subnet " + netuid + "; no checkpoint can be found until it does");
        }
        ReadCredentialCommitment credentials = ReadCredentialCommitment.parse(commitment.get().fields().get(0))
            .orElseThrow(() -> new IOException("the trainer's commitment on subnet " + netuid
                + " is not a 128-character read credential"));
        return minerBucket.forReading(credentials);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading the trainer's bucket from chain", interrupted);
      } catch (ExecutionException | TimeoutException failure) {
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        throw new IOException("cannot read the trainer's bucket from chain: " + cause.getMessage(), cause);
      }
    };
  }
}
