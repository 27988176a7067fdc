package dev.quarry.grail.protocol.python;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code json.dumps} byte for byte, for JSON trees made of {@link Map} (string keys), {@link
 * Collection}/arrays, {@link CharSequence}, integers ({@link Integer}, {@link Long}, {@link
 * BigInteger}, {@link Short}, {@link Byte}), floats ({@link Double}, {@link Float} — rendered as
 * Python renders the float's value), {@link Boolean} and {@code null}.
 *
 * <p>The reference hashes, signs and stores such renderings, so separators, indentation, key
 * order, float text and string escapes must all match Python's.
 */
public final class PythonJson {

  /**
   * The options of {@code json.dumps} the reference uses.
   *
   * @param indent spaces per nesting level, or {@link #NO_INDENT} for Python's {@code indent=None}
   *     (everything on one line). With an indent, each item goes on its own line after {@code
   *     itemSeparator}, which Python then defaults to {@code ","}.
   */
  public record Style(boolean sortKeys, String itemSeparator, String keySeparator, boolean ensureAscii, int indent) {
    /** {@code indent=None}. */
    public static final int NO_INDENT = -1;

    /** {@code json.dumps(x)}: separators {@code ", "} and {@code ": "}, ASCII only. */
    public static final Style DEFAULT = new Style(false, ", ", ": ", true);

    /** {@code json.dumps(x, sort_keys=True)}: what the trainer hashes into {@code config_hash}. */
    public static final Style SORTED = new Style(true, ", ", ": ", true);

    /** {@code json.dumps(x, separators=(",", ":"))}: the sparse delta header. */
    public static final Style COMPACT = new Style(false, ",", ":", true);

    /** {@code json.dumps(x, sort_keys=True, separators=(",", ":"))}: the canonical form hashed and signed. */
    public static final Style COMPACT_SORTED = new Style(true, ",", ":", true);

    /** {@code json.dumps(x, separators=(",", ":"), ensure_ascii=False)}: the completion digest form. */
    public static final Style COMPACT_UNICODE = new Style(false, ",", ":", false);

    /** {@code json.dumps(x, ensure_ascii=False, indent=2)}: checkpoint {@code metadata.json} files. */
    public static final Style INDENTED_UNICODE = new Style(false, ",", ": ", false, 2);

    public Style {
      if (indent < NO_INDENT) {
        throw new IllegalArgumentException("indent must be " + NO_INDENT + " (none) or at least 0, got " + indent);
      }
    }

    /** A style without indentation. */
    public Style(boolean sortKeys, String itemSeparator, String keySeparator, boolean ensureAscii) {
      this(sortKeys, itemSeparator, keySeparator, ensureAscii, NO_INDENT);
    }
  }

  private PythonJson() {}

  /** Renders {@code value} exactly as {@code json.dumps} with the given style would. */
  public static String dumps(Object value, Style style) {
    StringBuilder out = new StringBuilder();
    write(value, style, 0, out);
    return out.toString();
  }

  private static void write(Object value, Style style, int level, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof CharSequence text) {
      writeString(text.toString(), style.ensureAscii(), out);
    } else if (value instanceof Boolean flag) {
      out.append(flag ? "true" : "false");
    } else if (value instanceof Double || value instanceof Float) {
      writeFloat(((Number) value).doubleValue(), out);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger) {
      out.append(value.toString());
    } else if (value instanceof BigDecimal decimal) {
      writeFloat(decimal.doubleValue(), out);
    } else if (value instanceof Map<?, ?> map) {
      writeObject(map, style, level, out);
    } else if (value instanceof Collection<?> collection) {
      writeArray(collection, style, level, out);
    } else if (value instanceof int[] ints) {
      List<Object> boxed = new ArrayList<>(ints.length);
      for (int element : ints) {
        boxed.add(element);
      }
      writeArray(boxed, style, level, out);
    } else if (value instanceof long[] longs) {
      List<Object> boxed = new ArrayList<>(longs.length);
      for (long element : longs) {
        boxed.add(element);
      }
      writeArray(boxed, style, level, out);
    } else if (value instanceof Object[] objects) {
      writeArray(Arrays.asList(objects), style, level, out);
    } else {
      throw new IllegalArgumentException("Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
    }
  }

  private static void writeFloat(double value, StringBuilder out) {
    if (Double.isNaN(value)) {
      out.append("NaN");
    } else if (Double.isInfinite(value)) {
      out.append(value > 0 ? "Infinity" : "-Infinity");
    } else {
      out.append(PythonFloats.repr(value));
    }
  }

  private static void writeArray(Collection<?> values, Style style, int level, StringBuilder out) {
    if (values.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append('[');
    boolean first = true;
    for (Object element : values) {
      if (!first) {
        out.append(style.itemSeparator());
      }
      first = false;
      newline(style, level + 1, out);
      write(element, style, level + 1, out);
    }
    newline(style, level, out);
    out.append(']');
  }

  private static void writeObject(Map<?, ?> map, Style style, int level, StringBuilder out) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
    for (Map.Entry<?, ?> entry : entries) {
      if (!(entry.getKey() instanceof String)) {
        throw new IllegalArgumentException("JSON object keys must be strings, got " + entry.getKey());
      }
    }
    if (style.sortKeys()) {
      entries.sort((left, right) -> PythonText.compare((String) left.getKey(), (String) right.getKey()));
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : entries) {
      if (!first) {
        out.append(style.itemSeparator());
      }
      first = false;
      newline(style, level + 1, out);
      writeString((String) entry.getKey(), style.ensureAscii(), out);
      out.append(style.keySeparator());
      write(entry.getValue(), style, level + 1, out);
    }
    newline(style, level, out);
    out.append('}');
  }

  /** With an indent, Python starts each item, and the closing bracket, on a new indented line. */
  private static void newline(Style style, int level, StringBuilder out) {
    if (style.indent() != Style.NO_INDENT) {
      out.append('\n').append(" ".repeat(style.indent() * level));
    }
  }

  /** Appends {@code text} as {@code json.dumps} writes a str, with or without {@code ensure_ascii}. */
  public static void writeString(String text, boolean ensureAscii, StringBuilder out) {
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
          if (c < 0x20 || (ensureAscii && c > 0x7e)) {
            // UTF-16 units map one to one onto Python's \\uXXXX escapes (surrogate pairs included).
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
