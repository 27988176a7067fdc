/**
 * The safetensors file format (Hugging Face checkpoints): reading headers and raw tensor bytes,
 * widening bf16/f16 to f32 in Java, and writing files. Shared by the model loader (which must never
 * hand bf16 to libtorch on CPU) and the checkpoint code (which hashes and patches raw bytes).
 */
package dev.quarry.storage.safetensors;
