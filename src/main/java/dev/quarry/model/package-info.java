/**
 * The model engine: Hugging Face checkpoints (Qwen2/Qwen3) on DJL with libtorch, the HF tokenizer,
 * the checkpoint's own chat template, batched generation with a KV cache, and the proof forward pass.
 */
package dev.quarry.model;
