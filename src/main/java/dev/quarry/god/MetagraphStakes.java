package dev.quarry.god;

import dev.quarry.chain.NeuronStake;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metagraph as Fiber's miner sees it: each hotkey (SS58, format 42) with its stake in TAO,
 * computed exactly as {@code fiber/chain/fetch_nodes.py} does, {@code total_stake[uid] * 10**-9}
 * — the subnet's total stake weight in rao times the double {@code 1e-9}, not a division.
 *
 * @param stakes stake (TAO) by SS58 hotkey
 * @param syncedAt when the chain was read
 * @param block the chain head when read, or -1 if unknown
 */
public record MetagraphStakes(Map<String, Double> stakes, Instant syncedAt, long block) {

  public MetagraphStakes {
    stakes = Map.copyOf(stakes);
  }

  /** No neurons known yet: every validator is "not found in metagraph". */
  public static MetagraphStakes empty() {
    return new MetagraphStakes(Map.of(), Instant.EPOCH, -1);
  }

  /** From the chain's stake weights. */
  public static MetagraphStakes fromChain(List<NeuronStake> neurons, Instant syncedAt, long block) {
    Map<String, Double> stakes = new HashMap<>();
    for (NeuronStake neuron : neurons) {
      stakes.put(neuron.hotkey().ss58(), fiberStake(neuron.totalStakeRao()));
    }
    return new MetagraphStakes(stakes, syncedAt, block);
  }

  /** Fiber's {@code Node.stake}: {@code rao * 10**-9} in IEEE doubles. */
  public static double fiberStake(long rao) {
    // Python converts the int to the nearest double first; BigInteger does the same for any u64.
    return new BigInteger(Long.toUnsignedString(rao)).doubleValue() * 1e-9;
  }

  /** The stake of an SS58 hotkey exactly as written in the header, if it is in the metagraph. */
  public Optional<Double> stakeOf(String hotkey) {
    return Optional.ofNullable(stakes.get(hotkey));
  }

  /** How many hotkeys have at least {@code threshold} TAO. */
  public long countAtLeast(BigInteger threshold) {
    return stakes.values().stream().filter(stake -> !isBelow(stake, threshold)).count();
  }

  /** Python's {@code stake < threshold} for a float and an int: exact, no rounding. */
  public static boolean isBelow(double stake, BigInteger threshold) {
    return new BigDecimal(stake).compareTo(new BigDecimal(threshold)) < 0;
  }
}
