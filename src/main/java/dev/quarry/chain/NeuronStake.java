package dev.quarry.chain;

import dev.quarry.crypto.AccountId;

/**
 * A neuron's stake weights as subtensor's {@code SubnetInfoRuntimeApi} reports them (the values
 * Fiber reads for its stake threshold), all in rao (1 TAO = 1e9 rao):
 *
 * <ul>
 *   <li>{@code alphaStakeRao}: alpha stake on the subnet including what the hotkey inherits from
 *       parent keys and minus what it passes to children;
 *   <li>{@code taoStakeRao}: root (TAO) stake, inherited the same way;
 *   <li>{@code totalStakeRao}: {@code alpha + tao × TaoWeight}, the subnet's stake weight.
 * </ul>
 *
 * These differ from {@link NeuronInfo#stake()} (neurons-lite), which is the hotkey's own alpha
 * without inheritance or root stake.
 */
public record NeuronStake(int uid, AccountId hotkey, long alphaStakeRao, long taoStakeRao, long totalStakeRao) {}
