package dev.quarry.model.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/** Python's printf-style {@code "%s" % value} and {@code str.format} for the common conversions. */
final class PyFormat {

  private PyFormat() {}

  static String percent(String format, Object arguments) {
    List<Object> values = arguments instanceof PyTuple tuple ? tuple.items() : null;
    Map<?, ?> named = arguments instanceof Map<?, ?> map ? map : null;
    StringBuilder out = new StringBuilder();
    int next = 0;
    int index = 0;
    while (index < format.length()) {
      char current = format.charAt(index);
      if (current != '%') {
        out.append(current);
        index++;
        continue;
      }
      index++;
      if (index >= format.length()) {
        throw new TemplateException("ValueError: incomplete format");
      }
      String key = null;
      if (format.charAt(index) == '(') {
        int close = format.indexOf(')', index);
        key = format.substring(index + 1, close);
        index = close + 1;
      }
      StringBuilder flags = new StringBuilder();
      while (index < format.length() && "-+ 0#".indexOf(format.charAt(index)) >= 0) {
        flags.append(format.charAt(index++));
      }
      int width = -1;
      int widthStart = index;
      while (index < format.length() && Character.isDigit(format.charAt(index))) {
        index++;
      }
      if (index > widthStart) {
        width = Integer.parseInt(format.substring(widthStart, index));
      }
      int precision = -1;
      if (index < format.length() && format.charAt(index) == '.') {
        index++;
        int precisionStart = index;
        while (index < format.length() && Character.isDigit(format.charAt(index))) {
          index++;
        }
        precision = index > precisionStart ? Integer.parseInt(format.substring(precisionStart, index)) : 0;
      }
      char conversion = format.charAt(index++);
      if (conversion == '%') {
        out.append('%');
        continue;
      }
      Object value;
      if (key != null) {
        if (named == null) {
          throw new TemplateException("TypeError: format requires a mapping");
        }
        value = named.get(key);
      } else if (values != null) {
        if (next >= values.size()) {
          throw new TemplateException("TypeError: not enough arguments for format string");
        }
        value = values.get(next++);
      } else {
        if (next > 0) {
          throw new TemplateException("TypeError: not enough arguments for format string");
        }
        next++;
        value = arguments;
      }
      String text = convert(conversion, value, precision, flags.toString());
      out.append(pad(text, width, flags.indexOf("-") >= 0, flags.indexOf("0") >= 0 && "dif".indexOf(conversion) >= 0));
    }
    if (values != null && next < values.size()) {
      throw new TemplateException("TypeError: not all arguments converted during string formatting");
    }
    return out.toString();
  }

  private static String convert(char conversion, Object value, int precision, String flags) {
    return switch (conversion) {
      case 's' -> {
        String text = PyValues.str(value);
        yield precision >= 0 && precision < text.length() ? text.substring(0, precision) : text;
      }
      case 'r', 'a' -> PyValues.repr(value);
      case 'd', 'i' -> {
        if (!PyValues.isNumber(value)) {
          throw new TemplateException("TypeError: %d format: a real number is required, not "
              + PyValues.typeName(value));
        }
        long number = value instanceof Double d ? (long) d.doubleValue() : (long) PyValues.toDouble(value);
        yield (flags.contains("+") && number >= 0 ? "+" : "") + number;
      }
      case 'f', 'F' -> {
        double number = PyValues.toDouble(value);
        String text = new BigDecimal(number).setScale(precision < 0 ? 6 : precision, RoundingMode.HALF_EVEN)
            .toPlainString();
        yield (flags.contains("+") && number >= 0 ? "+" : "") + text;
      }
      case 'x' -> Long.toHexString((long) PyValues.toDouble(value));
      case 'X' -> Long.toHexString((long) PyValues.toDouble(value)).toUpperCase();
      case 'o' -> Long.toOctalString((long) PyValues.toDouble(value));
      case 'c' -> value instanceof String text ? text : Character.toString((int) PyValues.toDouble(value));
      default -> throw new TemplateException("ValueError: unsupported format character '" + conversion + "'");
    };
  }

  private static String pad(String text, int width, boolean left, boolean zeros) {
    if (width <= text.length()) {
      return text;
    }
    String padding = String.valueOf(zeros && !left ? '0' : ' ').repeat(width - text.length());
    if (left) {
      return text + padding;
    }
    if (zeros && (text.startsWith("-") || text.startsWith("+"))) {
      return text.charAt(0) + padding + text.substring(1);
    }
    return padding + text;
  }

  /** {@code str.format} with {@code {}}, {@code {0}} and {@code {name}} fields (no format specs beyond str). */
  static String format(String format, List<Object> arguments, Map<String, Object> keywords) {
    StringBuilder out = new StringBuilder();
    int automatic = 0;
    int index = 0;
    while (index < format.length()) {
      char current = format.charAt(index);
      if (current == '{') {
        if (index + 1 < format.length() && format.charAt(index + 1) == '{') {
          out.append('{');
          index += 2;
          continue;
        }
        int close = format.indexOf('}', index);
        if (close < 0) {
          throw new TemplateException("ValueError: single '{' encountered in format string");
        }
        String field = format.substring(index + 1, close);
        int colon = field.indexOf(':');
        if (colon >= 0) {
          field = field.substring(0, colon);
        }
        Object value;
        if (field.isEmpty()) {
          value = arguments.get(automatic++);
        } else if (Character.isDigit(field.charAt(0))) {
          value = arguments.get(Integer.parseInt(field));
        } else {
          if (!keywords.containsKey(field)) {
            throw new TemplateException("KeyError: '" + field + "'");
          }
          value = keywords.get(field);
        }
        out.append(PyValues.str(value));
        index = close + 1;
      } else if (current == '}') {
        if (index + 1 < format.length() && format.charAt(index + 1) == '}') {
          index++;
        }
        out.append('}');
        index++;
      } else {
        out.append(current);
        index++;
      }
    }
    return out.toString();
  }
}
