/**
 * The Bittensor chain: JSON-RPC over WebSocket, SCALE, metadata, storage keys, signed extrinsics,
 * and the {@code Chain} interface the miners use, with a subtensor client and an in-process local chain.
 */
package dev.quarry.chain;
