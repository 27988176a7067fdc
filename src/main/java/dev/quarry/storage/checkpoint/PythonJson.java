package dev.quarry.storage.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.storage.window.PythonFloat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} for the shapes the trainer uses: {@code indent=2, ensure_ascii=False}
 * for {@code metadata.json}, {@code sort_keys=True} with default separators for {@code config_hash},
 * and {@code sort_keys=True, separators=(",", ":")} for the signed canonical form. Floats print as
 * Python's repr, so hashes computed over these texts agree with the reference's.
 */
final class PythonJson {

  private PythonJson() {}

  /** {@code json.dumps(value, indent=2, ensure_ascii=False)}. */
  static String indented(JsonNode value) {
    StringBuilder out = new StringBuilder();
    write(out, value, false, false, 2, 0, ", ", ": ");
    return out.toString();
  }

  /** {@code json.dumps(value, sort_keys=True)}. */
  static String sortedKeys(JsonNode value) {
    StringBuilder out = new StringBuilder();
    write(out, value, true, true, -1, 0, ", ", ": ");
    return out.toString();
  }

  /** {@code json.dumps(value, sort_keys=True, separators=(",", ":"))}. */
  static String canonical(JsonNode value) {
    StringBuilder out = new StringBuilder();
    write(out, value, true, true, -1, 0, ",", ":");
    return out.toString();
  }

  private static void write(StringBuilder out, JsonNode value, boolean sortKeys, boolean asciiOnly, int indent, int level,
      String itemSeparator, String keySeparator) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      out.append("null");
    } else if (value.isBoolean()) {
      out.append(value.booleanValue() ? "true" : "false");
    } else if (value.isIntegralNumber()) {
      out.append(value.bigIntegerValue());
    } else if (value.isNumber()) {
      double number = value.doubleValue();
      out.append(Double.isNaN(number) ? "NaN" : Double.isInfinite(number) ? (number > 0 ? "Infinity" : "-Infinity")
          : PythonFloat.repr(number));
    } else if (value.isTextual()) {
      string(out, value.textValue(), asciiOnly);
    } else if (value.isArray()) {
      if (value.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < value.size(); i++) {
        out.append(i == 0 ? "" : indent >= 0 ? "," : itemSeparator);
        newline(out, indent, level + 1);
        write(out, value.get(i), sortKeys, asciiOnly, indent, level + 1, itemSeparator, keySeparator);
      }
      newline(out, indent, level);
      out.append(']');
    } else if (value.isObject()) {
      if (value.isEmpty()) {
        out.append("{}");
        return;
      }
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(value.properties());
      if (sortKeys) {
        fields.sort(Map.Entry.comparingByKey(WeightsHash.PYTHON_STRING_ORDER));
      }
      out.append('{');
      for (int i = 0; i < fields.size(); i++) {
        out.append(i == 0 ? "" : indent >= 0 ? "," : itemSeparator);
        newline(out, indent, level + 1);
        string(out, fields.get(i).getKey(), asciiOnly);
        out.append(keySeparator);
        write(out, fields.get(i).getValue(), sortKeys, asciiOnly, indent, level + 1, itemSeparator, keySeparator);
      }
      newline(out, indent, level);
      out.append('}');
    } else {
      throw new IllegalArgumentException("cannot render " + value.getNodeType() + " as JSON");
    }
  }

  private static void newline(StringBuilder out, int indent, int level) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * level));
    }
  }

  private static void string(StringBuilder out, String text, boolean asciiOnly) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || (asciiOnly && c > 0x7F)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
