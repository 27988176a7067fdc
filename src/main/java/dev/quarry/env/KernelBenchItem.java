package dev.quarry.env;

import java.util.Objects;

/**
 * One {@code ScalingIntelligence/KernelBench} row.
 *
 * @param code the PyTorch reference module ({@code Model}, {@code get_inputs}, {@code get_init_inputs})
 * @param level the row's difficulty level (1–4); the split rule groups by this field
 * @param name the problem's file name, e.g. {@code "19_ReLU.py"}
 * @param problemId the problem's id within its level
 * @param originalSplit the HF split it came from, e.g. {@code "level_1"}
 */
public record KernelBenchItem(String code, int level, String name, long problemId, String originalSplit) {
  public KernelBenchItem {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(originalSplit, "originalSplit");
  }
}
