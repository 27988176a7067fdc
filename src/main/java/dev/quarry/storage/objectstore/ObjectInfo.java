package dev.quarry.storage.objectstore;

import java.time.Instant;
import java.util.Map;

/**
 * What HEAD (or a listing) says about an object: key, size, LastModified (the upload time validators
 * compare with the window deadline), ETag, and user metadata (empty in listings).
 */
public record ObjectInfo(String key, long size, Instant lastModified, String eTag, Map<String, String> metadata) {
  public ObjectInfo {
    metadata = Map.copyOf(metadata);
  }
}
