/**
 * Grail environments as pure logic: turning a seed into a problem and its prompt text, parsing a
 * completion, and scoring it with the reference reward components. Datasets and code execution are
 * reached through small interfaces ({@link dev.quarry.env.TaskSource}, {@link
 * dev.quarry.env.MathAnswerEquivalence}) so the logic stays testable without I/O.
 *
 * <p>Entry points: {@link dev.quarry.env.Environment} (implemented by {@link
 * dev.quarry.env.SatEnvironment}, {@link dev.quarry.env.Gsm8kEnvironment}, {@link
 * dev.quarry.env.MathEnvironment}, {@link dev.quarry.env.PythonCodeEnvironment} for MBPP and
 * HumanEval, {@link dev.quarry.env.TritonKernelEnvironment}), {@link
 * dev.quarry.env.EnvironmentRegistry}, {@link dev.quarry.env.ThinkingMode} and {@link
 * dev.quarry.env.DatasetSplits}. Code runs through {@link dev.quarry.env.CodeSandbox} and GPU
 * kernels through {@link dev.quarry.env.KernelEvaluator}; their implementations live in {@code
 * env.python} and {@code env.kernel}, datasets in {@code env.datasets}, and {@code env.runtime}
 * assembles live environments from checkpoint metadata (docs/environments.md).
 */
package dev.quarry.env;
