package dev.quarry.validator;

import java.time.Instant;

/**
 * The window file as the bucket describes it.
 *
 * @param key the object key found ({@code .gz} or plain)
 * @param size stored bytes
 * @param lastModified the object's LastModified (the upload time compared with the deadline)
 */
public record UploadInfo(String key, long size, Instant lastModified) {}
