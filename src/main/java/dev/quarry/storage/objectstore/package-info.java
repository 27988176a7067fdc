/**
 * S3-compatible object storage: R2 settings from Grail's environment variables
 * ({@link dev.quarry.storage.objectstore.ObjectStoreSettings}), a bucket client on AWS SDK v2 with
 * multipart uploads and retries that never store an upload twice
 * ({@link dev.quarry.storage.objectstore.ObjectStore}), and the embedded S3Proxy server with its
 * filesystem backend ({@link dev.quarry.storage.objectstore.EmbeddedS3Server}).
 */
package dev.quarry.storage.objectstore;
