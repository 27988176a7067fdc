package dev.quarry.chain;

import dev.quarry.crypto.AccountId;

/**
 * One neuron of a subnet's metagraph ({@code NeuronInfoLite}). Metrics are the raw on-chain u16
 * values (divide by 65535 for the SDK's floats, see {@link #normalized(int)}); {@code emission}
 * and {@code stake} are in rao (1 TAO = 1e9 rao); {@code stake} is the hotkey's alpha stake on
 * this subnet summed over coldkeys, as the SDK's {@code total_stake}.
 */
public record NeuronInfo(
    int uid,
    int netuid,
    AccountId hotkey,
    AccountId coldkey,
    boolean active,
    AxonInfo axon,
    long stake,
    int rank,
    long emission,
    int incentive,
    int consensus,
    int trust,
    int validatorTrust,
    int dividends,
    long lastUpdate,
    boolean validatorPermit,
    int pruningScore) {

  /** A u16 metric as the SDK's {@code u16_normalized_float}. */
  public static double normalized(int u16) {
    return u16 / 65535.0;
  }
}
