/**
 * The environments' datasets as the reference loads them: the Hugging Face Parquet files of GSM8K,
 * MATH, MBPP, HumanEval and KernelBench, read with parquet-java from a local directory or the
 * Hugging Face cache ({@link dev.quarry.env.datasets.DatasetStore}), and fetched into that cache
 * from the hub or a mirror ({@link dev.quarry.env.datasets.HubDownloader}). The reference's split
 * and index rules are applied in {@link dev.quarry.env.DatasetSplits}; this package only reads rows
 * in the HF splits' order.
 */
package dev.quarry.env.datasets;
