package dev.quarry.storage.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** File helpers shared by the consumer and the publisher: safe relative paths and sha256 digests. */
final class CheckpointFiles {

  private CheckpointFiles() {}

  /**
   * Resolves a manifest path inside {@code directory}. Manifests come from a remote bucket, so a
   * path that is absolute or climbs out ({@code ../}) is refused rather than written.
   */
  static Path resolveInside(Path directory, String relative) throws CorruptCheckpointException {
    if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\") || relative.contains("\0")) {
      throw new CorruptCheckpointException("unsafe file path in checkpoint manifest: '" + relative + "'");
    }
    Path base = directory.toAbsolutePath().normalize();
    Path resolved = base.resolve(relative).normalize();
    if (!resolved.startsWith(base) || resolved.equals(base)) {
      throw new CorruptCheckpointException("unsafe file path in checkpoint manifest: '" + relative + "'");
    }
    return resolved;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException exception) {
      throw new IllegalStateException("SHA-256 is part of every JDK", exception);
    }
  }
}
