package dev.quarry.model.template;

import dev.quarry.grail.protocol.python.PythonJson;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as HF's {@code tojson} filter calls it: {@code ensure_ascii=False},
 * default separators {@code ", "} and {@code ": "} (or {@code ","} with an indent), optional
 * {@code indent} and {@code sort_keys}.
 */
final class JsonDumps {

  private JsonDumps() {}

  static String dumps(Object value, Object indent, String itemSeparator, String keySeparator, boolean sortKeys,
      boolean ensureAscii) {
    String indentUnit = null;
    if (indent instanceof Long spaces) {
      indentUnit = " ".repeat((int) Math.max(0, spaces));
    } else if (indent instanceof String text) {
      indentUnit = text;
    }
    String items = itemSeparator != null ? itemSeparator : indentUnit != null ? "," : ", ";
    String keys = keySeparator != null ? keySeparator : ": ";
    StringBuilder out = new StringBuilder();
    write(out, value, indentUnit, items, keys, sortKeys, ensureAscii, 0);
    return out.toString();
  }

  private static void newline(StringBuilder out, String indentUnit, int level) {
    if (indentUnit != null) {
      out.append('\n').append(indentUnit.repeat(level));
    }
  }

  private static void write(StringBuilder out, Object value, String indentUnit, String itemSeparator,
      String keySeparator, boolean sortKeys, boolean ensureAscii, int level) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean bool) {
      out.append(bool ? "true" : "false");
    } else if (value instanceof Long number) {
      out.append(number);
    } else if (value instanceof Double number) {
      if (Double.isNaN(number)) {
        out.append("NaN");
      } else if (Double.isInfinite(number)) {
        out.append(number > 0 ? "Infinity" : "-Infinity");
      } else {
        out.append(PyStrings.reprFloat(number));
      }
    } else if (value instanceof String text) {
      writeString(out, text, ensureAscii);
    } else if (value instanceof List<?> || value instanceof PyTuple) {
      List<?> items = value instanceof List<?> list ? list : ((PyTuple) value).items();
      if (items.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          out.append(itemSeparator);
        }
        newline(out, indentUnit, level + 1);
        write(out, items.get(i), indentUnit, itemSeparator, keySeparator, sortKeys, ensureAscii, level + 1);
      }
      newline(out, indentUnit, level);
      out.append(']');
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      List<Map.Entry<?, ?>> entries = new java.util.ArrayList<>(map.entrySet());
      if (sortKeys) {
        entries.sort((a, b) -> PyValues.compare(a.getKey(), b.getKey(), "<"));
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : entries) {
        if (!first) {
          out.append(itemSeparator);
        }
        first = false;
        newline(out, indentUnit, level + 1);
        writeString(out, keyText(entry.getKey()), ensureAscii);
        out.append(keySeparator);
        write(out, entry.getValue(), indentUnit, itemSeparator, keySeparator, sortKeys, ensureAscii, level + 1);
      }
      newline(out, indentUnit, level);
      out.append('}');
    } else if (value instanceof Undefined undefined) {
      throw new TemplateException("TypeError: Object of type Undefined is not JSON serializable ("
          + undefined.hint() + ")");
    } else {
      throw new TemplateException("TypeError: Object of type " + PyValues.typeName(value)
          + " is not JSON serializable");
    }
  }

  /** JSON object keys: strings as-is; numbers, booleans and None converted as Python does. */
  private static String keyText(Object key) {
    if (key instanceof String text) {
      return text;
    }
    if (key == null) {
      return "null";
    }
    if (key instanceof Boolean bool) {
      return bool ? "true" : "false";
    }
    if (key instanceof Long || key instanceof Double) {
      return PyValues.repr(key);
    }
    throw new TemplateException("TypeError: keys must be str, int, float, bool or None, not "
        + PyValues.typeName(key));
  }

  private static void writeString(StringBuilder out, String text, boolean ensureAscii) {
    PythonJson.writeString(text, ensureAscii, out);
  }
}
