package dev.quarry.blockzero.training;

/**
 * transformers' {@code get_cosine_schedule_with_warmup} (half a cosine): the learning rate rises
 * linearly from 0 over {@code warmup} steps, then follows {@code 0.5 (1 + cos(π p))} of the peak
 * as progress {@code p} goes from 0 to 1 at {@code total} steps, and stays 0 after. Step 0 is the
 * first optimizer step (the reference's first update uses learning rate 0 when warming up).
 */
public record LearningRateSchedule(double peak, int warmup, int total) {

  public LearningRateSchedule {
    if (peak < 0 || warmup < 0 || total < 1) {
      throw new IllegalArgumentException("a schedule needs a non-negative peak and warm-up and at least one step");
    }
  }

  /** The learning rate of optimizer step {@code step}. */
  public double at(long step) {
    if (step < warmup) {
      return peak * ((double) step / Math.max(1, warmup));
    }
    double progress = (double) (step - warmup) / Math.max(1, total - warmup);
    return peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
  }
}
