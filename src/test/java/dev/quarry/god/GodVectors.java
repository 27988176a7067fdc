package dev.quarry.god;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.Sr25519;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/** Loads the committed vectors under {@code src/test/resources/vectors/god/}. */
final class GodVectors {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private GodVectors() {}

  static JsonNode load(String name) {
    String resource = "/vectors/god/" + name;
    try (InputStream raw = GodVectors.class.getResourceAsStream(resource)) {
      if (raw == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
      JsonNode node = MAPPER.readTree(in);
      if (!node.has("_provenance")) {
        throw new IllegalStateException(resource + " has no _provenance");
      }
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A key of the reference vectors, from its mini-secret (the same key the harness signed with). */
  static Keypair key(JsonNode reference, String label) {
    return Sr25519.fromMiniSecret(Hex.decode(reference.path("keys").path(label).path("mini_secret").asText()));
  }
}
