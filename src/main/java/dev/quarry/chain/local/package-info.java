/**
 * {@link dev.quarry.chain.local.LocalChain}: an in-process Bittensor-like chain for the embedded
 * default and for tests. Blocks on a timer (or on demand), deterministic hashes and timestamps
 * from a seed, registrations, commitments, axons and neurons, and signed extrinsics that are
 * decoded and signature-checked exactly as a node would.
 */
package dev.quarry.chain.local;
