/**
 * The miner's checkpoint tree, shared by the train and model-io roles through the file system as
 * in the reference: the hotkey's own checkpoints ({@code globalver_<G>_inneropt_<I>}), the
 * validators' distributed weights ({@code validator_checkpoint/uid_<u>_hotkey_<hk>_globalver_<G>}),
 * atomic writes (a {@code .tmp_} sibling renamed into place) and top-k pruning.
 */
package dev.quarry.blockzero.checkpoints;
