package dev.quarry.mining.coordinator;

import dev.quarry.mining.MinerSetup;
import dev.quarry.mining.WindowTiming;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.window.WindowUploader;
import java.util.concurrent.Executor;

/**
 * What the coordinator shares with its window supervisors: the node's setup, the timing estimates,
 * the miner's bucket and its uploader, the checkpoint selector, and the blocking pool their calls run on.
 */
record CoordinatorContext(
    MinerSetup setup,
    WindowTiming timing,
    ObjectStore minerStore,
    WindowUploader uploader,
    CheckpointSelector checkpoints,
    Executor blocking,
    int windowLength) {}
