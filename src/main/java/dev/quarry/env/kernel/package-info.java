/**
 * GPU evaluation of generated Triton kernels for the triton_kernel environment, through worker
 * processes running Quarry's kernel worker script on a separately configured GPU: a persistent
 * worker per GPU that keeps its CUDA context ({@link dev.quarry.env.kernel.PersistentKernelEvaluator},
 * {@code KERNEL_EVAL_BACKEND=persistent}) or a fresh process per evaluation
 * ({@link dev.quarry.env.kernel.SubprocessKernelEvaluator}, {@code subprocess}). Both recover from
 * CUDA "sticky" errors as the reference's backends do. What could and could not be exercised
 * without a GPU is listed in docs/environments.md.
 */
package dev.quarry.env.kernel;
