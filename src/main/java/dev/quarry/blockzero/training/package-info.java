/**
 * Expert-group training, the {@code blockzero train} role: the miner's partial mixture-of-experts
 * model ({@link dev.quarry.model.TrainableMoeModel}) trained on a JSONL dataset with AdamW, a
 * warm-up/cosine learning rate, gradient accumulation, clipping and data parallelism over several
 * devices ({@link dev.quarry.blockzero.training.ExpertGroupTrainer}), run by an actor
 * ({@link dev.quarry.blockzero.training.TrainerActor}) that writes checkpoints the model-io role
 * commits and reloads the validators' newer weights when they arrive.
 */
package dev.quarry.blockzero.training;
