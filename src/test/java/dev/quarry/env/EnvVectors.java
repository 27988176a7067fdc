package dev.quarry.env;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.grail.protocol.Vectors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the environment vectors under {@code src/test/resources/vectors/envs}, produced by running
 * one-covenant/grail's environment code (see each file's {@code _provenance}).
 */
public final class EnvVectors {

  private EnvVectors() {}

  public static JsonNode load(String name) {
    String path = "/vectors/envs/" + name;
    try (InputStream in = EnvVectors.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + path);
      }
      JsonNode root = Vectors.mapper().readTree(in);
      if (!root.has("_provenance")) {
        throw new IllegalStateException(path + " has no _provenance");
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    if (array != null) {
      array.forEach(node -> values.add(node.asText()));
    }
    return values;
  }

  /** An MBPP row in the HF field names. */
  public static MbppItem mbpp(JsonNode row) {
    return new MbppItem(row.get("task_id").asInt(), row.get("text").asText(), row.get("code").asText(),
        strings(row.get("test_list")), row.path("test_setup_code").asText(""), strings(row.get("test_imports")));
  }

  /** A HumanEval row in the HF field names. */
  public static HumanEvalItem humanEval(JsonNode row) {
    return new HumanEvalItem(row.get("task_id").asText(), row.get("prompt").asText(), row.get("canonical_solution").asText(),
        row.get("test").asText(), row.get("entry_point").asText());
  }

  /** A sandbox for code paths that must not run any Python. */
  public static CodeSandbox noSandbox() {
    return new CodeSandbox() {
      @Override
      public CompileOutcome compile(String code) {
        throw new AssertionError("no Python expected here");
      }

      @Override
      public CodeRun run(String code, List<String> tests, java.time.Duration perTestTimeout) {
        throw new AssertionError("no Python expected here");
      }
    };
  }
}
