/**
 * The G.O.D (subnet 56) tournament miner: the training-repo endpoint behind Fiber request signing,
 * nonce and stake checks, and posting the axon on chain.
 */
package dev.quarry.god;
