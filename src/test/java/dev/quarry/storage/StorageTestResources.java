package dev.quarry.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reference vectors under {@code src/test/resources/vectors/storage/}, found through the classpath. */
public final class StorageTestResources {

  private StorageTestResources() {}

  public static byte[] bytes(String name) {
    try (InputStream in = StorageTestResources.class.getResourceAsStream("/vectors/storage/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource vectors/storage/" + name);
      }
      return in.readAllBytes();
    } catch (IOException exception) {
      throw new UncheckedIOException(exception);
    }
  }

  public static JsonNode json(String name) {
    try {
      return new ObjectMapper().readTree(bytes(name));
    } catch (IOException exception) {
      throw new UncheckedIOException(exception);
    }
  }

  /** Copies a resource into a directory (tests that need a real file, e.g. to memory-map). */
  public static Path copy(String name, Path directory) {
    try {
      Path target = directory.resolve(Path.of(name).getFileName().toString());
      Files.write(target, bytes(name));
      return target;
    } catch (IOException exception) {
      throw new UncheckedIOException(exception);
    }
  }

  public static Path copy(String name, Path directory, String targetName) {
    try {
      Path target = directory.resolve(targetName);
      Files.createDirectories(target.getParent());
      try (InputStream in = StorageTestResources.class.getResourceAsStream("/vectors/storage/" + name)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } catch (IOException exception) {
      throw new UncheckedIOException(exception);
    }
  }
}
