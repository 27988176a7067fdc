package dev.quarry.chain.subtensor;

import java.util.Arrays;

/**
 * Everything besides the call and the signer that a v4 signed extrinsic commits to: the
 * explicit extension data (era, nonce, tip, CheckMetadataHash mode) and the implicit data
 * (spec and transaction versions, genesis hash, the era's birth block hash, and the metadata
 * hash when the mode is enabled — null means mode Disabled).
 */
public record TransactionParams(
    Era era, long nonce, long tip, long specVersion, long transactionVersion,
    byte[] genesisHash, byte[] eraBlockHash, byte[] metadataHash) {

  public TransactionParams {
    if (genesisHash == null || genesisHash.length != 32) {
      throw new IllegalArgumentException("genesis hash must be 32 bytes");
    }
    if (era.isImmortal()) {
      eraBlockHash = genesisHash;
    }
    if (eraBlockHash == null || eraBlockHash.length != 32) {
      throw new IllegalArgumentException("era block hash must be 32 bytes");
    }
    if (metadataHash != null && metadataHash.length != 32) {
      throw new IllegalArgumentException("metadata hash must be 32 bytes");
    }
    if (nonce < 0 || nonce > 0xffffffffL || tip < 0) {
      throw new IllegalArgumentException("nonce must be a u32 and tip non-negative");
    }
    genesisHash = genesisHash.clone();
    eraBlockHash = eraBlockHash.clone();
    metadataHash = metadataHash == null ? null : metadataHash.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TransactionParams that
        && era.equals(that.era) && nonce == that.nonce && tip == that.tip
        && specVersion == that.specVersion && transactionVersion == that.transactionVersion
        && Arrays.equals(genesisHash, that.genesisHash) && Arrays.equals(eraBlockHash, that.eraBlockHash)
        && Arrays.equals(metadataHash, that.metadataHash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nonce) * 31 + Arrays.hashCode(genesisHash);
  }

  @Override
  public String toString() {
    return "TransactionParams[era=" + era + ", nonce=" + nonce + ", tip=" + tip + ", spec=" + specVersion
        + ", tx=" + transactionVersion + ", metadataHash=" + (metadataHash != null) + "]";
  }
}
