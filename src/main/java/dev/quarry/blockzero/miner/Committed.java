package dev.quarry.blockzero.miner;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What this hotkey committed in a cycle: the checkpoint (by version), the copy of its expert-group
 * file kept for the submission (the trainer may prune the original), the model hash, its
 * signature, and the blocks the MinerCommit1 and MinerCommit2 commitments were included in
 * ({@code -1} until then). Persisted by the daemon so a restart inside the cycle can still commit
 * the record and submit.
 */
public record Committed(
    @JsonProperty("cycle") long cycle,
    @JsonProperty("global_version") long globalVersion,
    @JsonProperty("inner_step") long innerStep,
    @JsonProperty("file") String file,
    @JsonProperty("model_hash") String modelHash,
    @JsonProperty("signature") String signature,
    @JsonProperty("signed_hash_block") long signedHashBlock,
    @JsonProperty("record_block") long recordBlock) {

  public Committed withRecordBlock(long block) {
    return new Committed(cycle, globalVersion, innerStep, file, modelHash, signature, signedHashBlock, block);
  }

  public boolean recordCommitted() {
    return recordBlock >= 0;
  }
}
