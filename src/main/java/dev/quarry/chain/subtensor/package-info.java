/**
 * The subtensor (Bittensor) chain client: storage keys, runtime-API and storage decoders
 * (NeuronInfoLite, commitments, axons), call encoders (serve_axon, set_commitment), signed
 * extrinsics v4 with mortal eras, the runtime compatibility check, error mapping, and
 * {@link dev.quarry.chain.subtensor.SubtensorClient}, the {@link dev.quarry.chain.Chain} over
 * WebSocket JSON-RPC.
 */
package dev.quarry.chain.subtensor;
