/**
 * Object storage and files. Subpackages: {@code objectstore} (R2/S3 client on AWS SDK v2, embedded
 * S3Proxy server), {@code window} (Grail window Parquet files), {@code checkpoint} (trainer
 * checkpoints, FULL and DELTA, with their integrity checks), {@code safetensors} (the weights file
 * format). Nothing here knows about actors: callers run these blocking calls on their own threads.
 */
package dev.quarry.storage;
