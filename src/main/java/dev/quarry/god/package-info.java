/**
 * The G.O.D (subnet 56) tournament miner: {@code GET /training_repo/{task_type}} answering which
 * GitHub repository and commit validators should train, behind Fiber 2.4.0's authentication
 * (stake check, nonce, sr25519 signature, miner hotkey) with Fiber's status codes and bodies.
 *
 * <p>{@link dev.quarry.god.GodMinerService} runs it in any actor system, standalone or as the
 * {@code god} role of a cluster node; {@link dev.quarry.god.GodSettings} validates its settings;
 * {@link dev.quarry.god.TrainingRepoEndpoint} is the route without HTTP; {@link
 * dev.quarry.god.GodAxon} posts the address on chain. See docs/god.md.
 */
package dev.quarry.god;
