/**
 * The {@code blockzero model-io} role: a phase-aware daemon of actors that follows the owner's
 * phase service and the chain, downloads the validators' new expert weights in Distribute,
 * commits the signed hash and then the record of the newest own checkpoint in MinerCommit1/2,
 * and uploads that exact file to the deterministically assigned validator in Submission
 * ({@link dev.quarry.blockzero.miner.ModelIoDaemon}). HTTP clients for the phase service
 * ({@link dev.quarry.blockzero.miner.PhaseServiceClient}) and validators
 * ({@link dev.quarry.blockzero.miner.ValidatorClient}).
 */
package dev.quarry.blockzero.miner;
