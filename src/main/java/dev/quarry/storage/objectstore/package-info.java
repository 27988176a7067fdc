/**
 * S3-compatible object storage: client settings built from the operator's bucket record
 * ({@link dev.quarry.storage.objectstore.ObjectStoreSettings#from(dev.quarry.config.BucketSettings)};
 * {@code dev.quarry.config} reads the {@code R2_*} variables), a bucket client on AWS SDK v2 with
 * multipart uploads and retries that never store an upload twice
 * ({@link dev.quarry.storage.objectstore.ObjectStore}), and the embedded S3Proxy server with its
 * filesystem backend ({@link dev.quarry.storage.objectstore.EmbeddedS3Server}).
 */
package dev.quarry.storage.objectstore;
