/**
 * Contained Python workers driven from Java: the code sandbox behind MBPP, HumanEval and the
 * triton_kernel compile check ({@link dev.quarry.env.python.PythonSandbox}), and the sympy step of
 * MATH answer equivalence ({@link dev.quarry.env.python.SympyEquivalence}), both served by a
 * {@link dev.quarry.env.python.PythonWorkerPool} of persistent {@code python3} processes running
 * Quarry's own worker script (a resource of this package). Each request runs in a forked child
 * with resource limits, so crashing, hanging or memory-hungry code never takes the miner down.
 * Containment and its limits are described in docs/environments.md.
 */
package dev.quarry.env.python;
