package dev.quarry.model;

/**
 * A batch's loss as BlockZero's trainer computes it: mean next-token cross-entropy over the
 * targets plus {@code coefficient × aux}, the Switch-Transformer load-balancing loss over all
 * sparse layers' router logits.
 *
 * @param loss the total that is minimized
 * @param crossEntropy mean cross-entropy per target
 * @param auxLoss the load-balancing loss before its coefficient (0 when the model does not use it)
 * @param tokens tokens in the batch
 * @param targets predicted positions in the batch
 */
public record TrainingLoss(double loss, double crossEntropy, double auxLoss, int tokens, int targets) {}
