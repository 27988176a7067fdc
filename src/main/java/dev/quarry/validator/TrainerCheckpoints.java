package dev.quarry.validator;

import dev.quarry.grail.protocol.ReadCredentialCommitment;
import dev.quarry.storage.checkpoint.CheckpointConsumer;
import dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException;
import dev.quarry.storage.checkpoint.LocalCheckpoint;
import dev.quarry.storage.objectstore.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Checkpoints from the trainer's bucket as a validator finds it: the read credentials committed by
 * the trainer UID's hotkey ({@code TRAINER_UID} = 0), opened once and cached locally by a
 * {@link CheckpointConsumer}. Close it to close the bucket client.
 */
public final class TrainerCheckpoints implements CheckpointSource, AutoCloseable {

  private final ChainView chain;
  private final BucketAccess buckets;
  private final Path cacheDirectory;
  private final int trainerUid;
  private ReadCredentialCommitment openedWith;
  private ObjectStore store;
  private CheckpointConsumer consumer;

  public TrainerCheckpoints(ChainView chain, BucketAccess buckets, Path cacheDirectory, int trainerUid) {
    this.chain = Objects.requireNonNull(chain, "chain");
    this.buckets = Objects.requireNonNull(buckets, "buckets");
    this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
    this.trainerUid = trainerUid;
  }

  @Override
  public synchronized Optional<LocalCheckpoint> prepare(long window) throws IOException, InvalidCheckpointMetadataException {
    ReadCredentialCommitment credentials = trainerCredentials();
    if (consumer == null || !credentials.equals(openedWith)) {
      close();
      store = buckets.open(credentials);
      consumer = new CheckpointConsumer(store, cacheDirectory);
      openedWith = credentials;
    }
    return consumer.prepare(window);
  }

  private ReadCredentialCommitment trainerCredentials() throws IOException {
    String trainerHotkey = chain.neurons().stream().filter(neuron -> neuron.uid() == trainerUid).map(ChainView.Neuron::hotkey)
        .findFirst().orElseThrow(() -> new IOException("the subnet has no UID " + trainerUid
            + " (the trainer, whose bucket holds the checkpoints)"));
    ReadCredentialCommitment credentials = chain.readCredentials().get(trainerHotkey);
    if (credentials == null) {
      throw new IOException("trainer UID " + trainerUid + " (" + trainerHotkey
          + ") has no read-credential commitment on chain, so its checkpoints cannot be found");
    }
    return credentials;
  }

  @Override
  public synchronized void close() {
    if (store != null) {
      store.close();
      store = null;
      consumer = null;
    }
  }
}
