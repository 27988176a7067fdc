/**
 * BlockZero (the "mycelia" subnet of CognitoBlocks) protocol pieces, pure and shared by the miner's
 * two roles and the local test services: the phase schedule ({@link dev.quarry.blockzero.PhaseSchedule}),
 * the model hash ({@link dev.quarry.blockzero.ModelHash}), the JSON records committed on chain
 * ({@link dev.quarry.blockzero.ChainRecord}), the signed request messages
 * ({@link dev.quarry.blockzero.SignedMessages}), the deterministic miner-to-validator assignment
 * ({@link dev.quarry.blockzero.ValidatorAssignment}), checkpoint directory names
 * ({@link dev.quarry.blockzero.CheckpointName}) and expert groups ({@link dev.quarry.blockzero.ExpertGroups}); and the
 * miner's settings ({@link dev.quarry.blockzero.BlockZeroSettings}).
 * Subpackages: {@code checkpoints} (the shared checkpoint tree), {@code miner} (the model-I/O
 * daemon), {@code training} (expert-group training), {@code local} (phase service and test
 * validator for tests and {@code --local} runs). docs/blockzero.md describes the whole.
 */
package dev.quarry.blockzero;
