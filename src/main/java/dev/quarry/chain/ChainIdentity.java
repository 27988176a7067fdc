package dev.quarry.chain;

/** Which chain and runtime we talk to: genesis hash, chain name, runtime spec and transaction versions. */
public record ChainIdentity(String genesisHash, String chainName, String specName, long specVersion, long transactionVersion) {

  /** Finney (Bittensor mainnet) genesis hash. */
  public static final String FINNEY_GENESIS = "0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03";
}
