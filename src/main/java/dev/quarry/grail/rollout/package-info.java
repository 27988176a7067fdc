/**
 * The Grail rollout glue shared by the miner and the validator: the problem and its prompt ids for
 * a problem index, the checkpoint's sampling parameters, scoring a completion, and assembling a
 * finished group into signed window-file rows. It joins {@code grail.protocol}, {@code env},
 * {@code model}, {@code storage} and {@code crypto}; actors call it, they do not re-implement it, and
 * the validator rebuilds prompts with exactly the code the miner used to render them.
 */
package dev.quarry.grail.rollout;
