package dev.quarry.storage.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Hex;
import dev.quarry.grail.protocol.python.PythonJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * File helpers shared by the consumer and the publisher: safe relative paths, sha256 digests, and
 * JSON texts written exactly as the trainer's {@code json.dumps} calls write them.
 */
final class CheckpointFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointFiles() {}

  /** {@code json.dumps(value, ensure_ascii=False, indent=2)}: {@code metadata.json} and {@code delta_metadata.json}. */
  static String metadataText(JsonNode value) {
    return pythonJson(value, PythonJson.Style.INDENTED_UNICODE);
  }

  /** {@code config_hash}: sha256 of {@code json.dumps(training_config, sort_keys=True)}. */
  static String configHash(JsonNode trainingConfig) {
    return sha256(pythonJson(trainingConfig, PythonJson.Style.SORTED).getBytes(StandardCharsets.UTF_8));
  }

  /** A Jackson tree rendered by {@link PythonJson} (which takes plain maps, lists and numbers). */
  static String pythonJson(JsonNode value, PythonJson.Style style) {
    return PythonJson.dumps(JSON.convertValue(value, Object.class), style);
  }

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
    return Hex.encode(digest.digest());
  }

  static String sha256(byte[] bytes) {
    return Hex.encode(Hashes.sha256(bytes));
  }

  static MessageDigest sha256Digest() {
    return Hashes.newSha256();
  }
}
