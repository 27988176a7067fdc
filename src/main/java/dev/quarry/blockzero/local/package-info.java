/**
 * Local stand-ins for BlockZero's external services, for tests and {@code --local} runs: the
 * owner's phase service computed from a chain's block ({@link dev.quarry.blockzero.local.LocalPhaseService}),
 * a validator that commits like the reference's and answers {@code /get-checkpoint} and
 * {@code /submit-checkpoint} with the reference server's checks, its signature checks enforced
 * ({@link dev.quarry.blockzero.local.TestValidator}), and the wiring of both around an in-process
 * {@code LocalChain} ({@link dev.quarry.blockzero.local.LocalNetwork}).
 */
package dev.quarry.blockzero.local;
