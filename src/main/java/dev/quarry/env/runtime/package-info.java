/**
 * Live environments for the miner and the local validator: {@link
 * dev.quarry.env.runtime.EnvironmentFactory} turns a checkpoint's {@code env_id} and
 * {@code env_params} into a ready {@link dev.quarry.env.Environment}, wiring the datasets, the
 * Python sandbox, the sympy check and GPU kernel evaluation as the reference's
 * {@code create_env} does.
 */
package dev.quarry.env.runtime;
