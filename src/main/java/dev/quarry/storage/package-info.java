/**
 * Object storage and files: the R2/S3 client (AWS SDK v2), the embedded S3 server, Grail window
 * Parquet files, and trainer checkpoints (FULL and DELTA) with their integrity checks.
 */
package dev.quarry.storage;
