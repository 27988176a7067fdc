/**
 * The validator's checks as pure functions: each takes the row (or file) and the numbers the
 * validator computed and returns a pass or a {@link dev.quarry.validator.checks.Rejection} naming
 * the check, the row and the numbers. No model, no I/O: the orchestration in
 * {@code dev.quarry.validator} runs the forward pass and the environment and hands the results in.
 * Each class follows one reference validator of one-covenant/grail v0.0.60
 * ({@code grail/validation/...}), named in its documentation.
 */
package dev.quarry.validator.checks;
