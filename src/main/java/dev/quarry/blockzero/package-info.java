/**
 * The BlockZero miner: the phase-aware model I/O daemon (download, hash commit, submit) and the
 * expert-group training loop.
 */
package dev.quarry.blockzero;
