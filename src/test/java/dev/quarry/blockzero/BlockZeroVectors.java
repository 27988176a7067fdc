package dev.quarry.blockzero;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Committed BlockZero reference vectors (src/test/resources/vectors/blockzero). */
public final class BlockZeroVectors {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BlockZeroVectors() {}

  public static JsonNode load(String name) {
    String resource = "/vectors/blockzero/" + name;
    try (InputStream in = BlockZeroVectors.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return JSON.readTree(in);
    } catch (IOException exception) {
      throw new UncheckedIOException(exception);
    }
  }

  /** A vector file as a path (the test classpath is a directory). */
  public static Path file(String name) {
    URL url = BlockZeroVectors.class.getResource("/vectors/blockzero/" + name);
    if (url == null) {
      throw new IllegalStateException("missing test resource /vectors/blockzero/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
