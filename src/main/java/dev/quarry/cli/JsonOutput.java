package dev.quarry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/**
 * JSON printed by commands: one object per call, field order as declared (records print their
 * components in order), pretty-printed so a miner can read it and {@code jq} can parse it.
 */
public final class JsonOutput {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonOutput() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String render(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException exception) {
      throw new IllegalStateException("cannot render JSON output: " + exception.getOriginalMessage(), exception);
    }
  }

  public static void print(PrintWriter out, Object value) {
    out.println(render(value));
    out.flush();
  }
}
