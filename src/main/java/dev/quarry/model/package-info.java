/**
 * The model engine: Hugging Face checkpoints (Qwen2/Qwen3) on DJL with libtorch, the HF tokenizer,
 * the checkpoint's own chat template, batched generation with a KV cache and HF's sampling
 * processors, and Grail's proof forward pass.
 *
 * <p>Start at {@link dev.quarry.model.CausalLanguageModel}: it loads a checkpoint directory onto an
 * explicit {@link dev.quarry.model.DeviceSpec} and hands out the {@link dev.quarry.model.Tokenizer},
 * {@link dev.quarry.model.ChatTemplate}, {@link dev.quarry.model.Generator} and
 * {@link dev.quarry.model.ProofForward}. The transformer itself ({@code QwenTransformer}) is written
 * in libtorch operations because DJL has no loader for safetensors models; weights are float32 on
 * every device because DJL's binding cannot create bf16 tensors.
 */
package dev.quarry.model;
