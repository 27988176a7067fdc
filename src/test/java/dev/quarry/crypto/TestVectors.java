package dev.quarry.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Loads the committed interop vectors under {@code src/test/resources/vectors/chain/}. */
public final class TestVectors {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TestVectors() {}

  public static JsonNode load(String name) {
    String resource = "/vectors/chain/" + name;
    try (InputStream in = TestVectors.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      JsonNode node = MAPPER.readTree(in);
      if (!node.has("_provenance")) {
        throw new IllegalStateException(resource + " has no _provenance");
      }
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] hex(JsonNode node) {
    return Hex.decode(node.asText());
  }
}
