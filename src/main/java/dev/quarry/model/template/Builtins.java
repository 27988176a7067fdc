package dev.quarry.model.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Jinja2's built-in filters, tests and globals, plus the globals HF adds for chat templates. */
final class Builtins {

  private Builtins() {}

  private static Object positional(List<Object> arguments, Map<String, Object> keywords, int index, String name,
      Object fallback) {
    if (keywords.containsKey(name)) {
      return keywords.get(name);
    }
    return index < arguments.size() ? arguments.get(index) : fallback;
  }

  private static boolean flag(List<Object> arguments, Map<String, Object> keywords, int index, String name) {
    return PyValues.truthy(positional(arguments, keywords, index, name, false));
  }

  private static long integer(Object value, String what) {
    if (value instanceof Long number) {
      return number;
    }
    if (value instanceof Boolean bool) {
      return bool ? 1 : 0;
    }
    throw new TemplateException("TypeError: " + what + " must be an integer, not " + PyValues.typeName(value));
  }

  // ---------------------------------------------------------------------------------------------
  // Globals

  static Map<String, Object> globals(Supplier<ZonedDateTime> clock) {
    Map<String, Object> globals = new LinkedHashMap<>();
    globals.put("range", (PyCallable) (arguments, keywords) -> {
      long start = 0;
      long stop;
      long step = 1;
      if (arguments.size() == 1) {
        stop = integer(arguments.get(0), "range() argument");
      } else if (arguments.size() >= 2) {
        start = integer(arguments.get(0), "range() argument");
        stop = integer(arguments.get(1), "range() argument");
        if (arguments.size() > 2) {
          step = integer(arguments.get(2), "range() argument");
        }
      } else {
        throw new TemplateException("TypeError: range expected at least 1 argument, got 0");
      }
      if (step == 0) {
        throw new TemplateException("ValueError: range() arg 3 must not be zero");
      }
      List<Object> values = new ArrayList<>();
      for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
        values.add(i);
        if (values.size() > 100_000) {
          throw new TemplateException("OverflowError: range too big, maximum size for range is 100000");
        }
      }
      return values;
    });
    globals.put("dict", (PyCallable) (arguments, keywords) -> {
      Map<Object, Object> map = new LinkedHashMap<>();
      if (!arguments.isEmpty() && arguments.get(0) instanceof Map<?, ?> source) {
        map.putAll(source);
      }
      map.putAll(keywords);
      return map;
    });
    globals.put("namespace", (PyCallable) (arguments, keywords) -> {
      Namespace namespace = new Namespace();
      for (Object argument : arguments) {
        if (argument instanceof Map<?, ?> source) {
          source.forEach((key, value) -> namespace.attributes.put(PyValues.str(key), value));
        }
      }
      namespace.attributes.putAll(keywords);
      return namespace;
    });
    globals.put("raise_exception", (PyCallable) (arguments, keywords) -> {
      throw new TemplateException(PyValues.str(arguments.isEmpty() ? "" : arguments.get(0)));
    });
    globals.put("strftime_now", (PyCallable) (arguments, keywords) ->
        strftime(clock.get(), PyValues.str(PyMethods.argument(arguments, 0))));
    return globals;
  }

  /** Python's {@code datetime.strftime} for the directives templates use (C locale). */
  static String strftime(ZonedDateTime time, String format) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char current = format.charAt(i);
      if (current != '%' || i + 1 >= format.length()) {
        out.append(current);
        continue;
      }
      char directive = format.charAt(++i);
      switch (directive) {
        case 'Y' -> out.append(String.format("%04d", time.getYear()));
        case 'y' -> out.append(String.format("%02d", time.getYear() % 100));
        case 'm' -> out.append(String.format("%02d", time.getMonthValue()));
        case 'd' -> out.append(String.format("%02d", time.getDayOfMonth()));
        case 'e' -> out.append(String.format("%2d", time.getDayOfMonth()));
        case 'H' -> out.append(String.format("%02d", time.getHour()));
        case 'I' -> out.append(String.format("%02d", (time.getHour() + 11) % 12 + 1));
        case 'M' -> out.append(String.format("%02d", time.getMinute()));
        case 'S' -> out.append(String.format("%02d", time.getSecond()));
        case 'p' -> out.append(time.getHour() < 12 ? "AM" : "PM");
        case 'B' -> out.append(time.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'b', 'h' -> out.append(time.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'A' -> out.append(time.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'a' -> out.append(time.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'j' -> out.append(String.format("%03d", time.getDayOfYear()));
        case 'f' -> out.append(String.format("%06d", time.getNano() / 1000));
        case '%' -> out.append('%');
        default -> out.append('%').append(directive);
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Tests

  static boolean test(Interpreter interpreter, String name, Object value, List<Object> arguments,
      Map<String, Object> keywords) {
    switch (name) {
      case "defined" -> {
        return !(value instanceof Undefined);
      }
      case "undefined" -> {
        return value instanceof Undefined;
      }
      case "none" -> {
        return value == null;
      }
      case "boolean" -> {
        return value instanceof Boolean;
      }
      case "true" -> {
        return Boolean.TRUE.equals(value);
      }
      case "false" -> {
        return Boolean.FALSE.equals(value);
      }
      case "string" -> {
        return value instanceof String;
      }
      case "number" -> {
        return PyValues.isNumber(value);
      }
      case "integer" -> {
        return value instanceof Long;
      }
      case "float" -> {
        return value instanceof Double;
      }
      case "mapping" -> {
        return value instanceof Map;
      }
      case "sequence" -> {
        return value instanceof String || value instanceof List || value instanceof PyTuple || value instanceof Map;
      }
      case "iterable" -> {
        return value instanceof String || value instanceof List || value instanceof PyTuple || value instanceof Map;
      }
      case "callable" -> {
        return value instanceof PyCallable;
      }
      case "lower" -> {
        String text = PyValues.str(value);
        return text.equals(text.toLowerCase(Locale.ROOT));
      }
      case "upper" -> {
        String text = PyValues.str(value);
        return text.equals(text.toUpperCase(Locale.ROOT));
      }
      case "odd", "even" -> {
        long number = integer(value, "value");
        return (Math.floorMod(number, 2) == 1) == name.equals("odd");
      }
      case "divisibleby" -> {
        return Math.floorMod(integer(value, "value"), integer(PyMethods.argument(arguments, 0), "num")) == 0;
      }
      case "eq", "equalto", "==" -> {
        return PyValues.equal(value, PyMethods.argument(arguments, 0));
      }
      case "ne", "!=" -> {
        return !PyValues.equal(value, PyMethods.argument(arguments, 0));
      }
      case "lt", "lessthan", "<" -> {
        return PyValues.compare(value, PyMethods.argument(arguments, 0), "<") < 0;
      }
      case "le", "<=" -> {
        return PyValues.compare(value, PyMethods.argument(arguments, 0), "<=") <= 0;
      }
      case "gt", "greaterthan", ">" -> {
        return PyValues.compare(value, PyMethods.argument(arguments, 0), ">") > 0;
      }
      case "ge", ">=" -> {
        return PyValues.compare(value, PyMethods.argument(arguments, 0), ">=") >= 0;
      }
      case "in" -> {
        return PyValues.contains(PyMethods.argument(arguments, 0), value);
      }
      case "sameas" -> {
        Object other = PyMethods.argument(arguments, 0);
        if (value == null || other == null || value instanceof Boolean || other instanceof Boolean) {
          return value == other || (value != null && value.equals(other) && value.getClass() == other.getClass());
        }
        return value == other;
      }
      case "escaped" -> {
        return false;
      }
      case "filter" -> {
        return isFilter(PyValues.str(value));
      }
      case "test" -> {
        return isTest(PyValues.str(value));
      }
      default -> throw new TemplateException("TemplateRuntimeError: no test named '" + name + "'");
    }
  }

  private static boolean isTest(String name) {
    return List.of("defined", "undefined", "none", "boolean", "true", "false", "string", "number", "integer",
        "float", "mapping", "sequence", "iterable", "callable", "lower", "upper", "odd", "even", "divisibleby",
        "eq", "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=",
        "in", "sameas", "escaped", "filter", "test").contains(name);
  }

  private static boolean isFilter(String name) {
    return List.of("abs", "attr", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
        "first", "float", "forceescape", "format", "indent", "int", "items", "join", "last", "length", "list",
        "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
        "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "unique", "upper", "wordcount")
        .contains(name);
  }

  // ---------------------------------------------------------------------------------------------
  // Filters

  static Object filter(Interpreter interpreter, String name, Object value, List<Object> arguments,
      Map<String, Object> keywords) {
    if (value instanceof Undefined undefined && !List.of("default", "d", "length", "count", "string", "list",
        "items", "trim", "lower", "upper", "join", "first", "last", "safe", "escape", "e", "capitalize", "title",
        "wordcount", "reverse", "replace", "indent", "center", "sum", "select", "reject", "selectattr",
        "rejectattr", "map", "unique", "sort", "dictsort", "min", "max", "format").contains(name)) {
      throw undefined.error();
    }
    switch (name) {
      case "abs" -> {
        if (value instanceof Long number) {
          return Math.abs(number);
        }
        if (value instanceof Boolean bool) {
          return bool ? 1L : 0L;
        }
        if (value instanceof Double number) {
          return Math.abs(number);
        }
        throw new TemplateException("TypeError: bad operand type for abs(): '" + PyValues.typeName(value) + "'");
      }
      case "attr" -> {
        return PyValues.getAttribute(value, PyValues.str(PyMethods.argument(arguments, 0)));
      }
      case "capitalize" -> {
        return PyMethods.capitalize(PyValues.str(value));
      }
      case "title" -> {
        return PyMethods.title(PyValues.str(value));
      }
      case "upper" -> {
        return PyValues.str(value).toUpperCase(Locale.ROOT);
      }
      case "lower" -> {
        return PyValues.str(value).toLowerCase(Locale.ROOT);
      }
      case "center" -> {
        long width = integer(positional(arguments, keywords, 0, "width", 80L), "width");
        return ((PyCallable) PyMethods.bind(PyValues.str(value), "center")).call(List.of(width), Map.of());
      }
      case "length", "count" -> {
        return PyValues.length(value);
      }
      case "default", "d" -> {
        Object fallback = positional(arguments, keywords, 0, "default_value", "");
        boolean useFalsy = flag(arguments, keywords, 1, "boolean");
        if (value instanceof Undefined || (useFalsy && !PyValues.truthy(value))) {
          return fallback;
        }
        return value;
      }
      case "dictsort" -> {
        return dictsort(value, arguments, keywords);
      }
      case "e", "escape", "forceescape" -> {
        return PyValues.str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\"", "&#34;").replace("'", "&#39;");
      }
      case "first" -> {
        List<Object> items = PyValues.iterate(value);
        return items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.get(0);
      }
      case "last" -> {
        List<Object> items = PyValues.iterate(value);
        return items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.get(items.size() - 1);
      }
      case "float" -> {
        Object fallback = positional(arguments, keywords, 0, "default", 0.0);
        try {
          if (value instanceof String text) {
            return Double.parseDouble(PyStrings.strip(text, null).replace("_", ""));
          }
          return PyValues.toDouble(value);
        } catch (RuntimeException exception) {
          return fallback;
        }
      }
      case "int" -> {
        Object fallback = positional(arguments, keywords, 0, "default", 0L);
        long base = integer(positional(arguments, keywords, 1, "base", 10L), "base");
        try {
          if (value instanceof String text) {
            String clean = PyStrings.strip(text, null).replace("_", "");
            try {
              return Long.parseLong(clean, (int) base);
            } catch (NumberFormatException exception) {
              return (long) Double.parseDouble(clean);
            }
          }
          if (value instanceof Double number) {
            return (long) number.doubleValue();
          }
          return integer(value, "value");
        } catch (RuntimeException exception) {
          return fallback;
        }
      }
      case "format" -> {
        String format = PyValues.str(value);
        if (!keywords.isEmpty()) {
          return PyFormat.percent(format, new LinkedHashMap<>(keywords));
        }
        return PyFormat.percent(format, new PyTuple(arguments));
      }
      case "indent" -> {
        return indent(PyValues.str(value), arguments, keywords);
      }
      case "items" -> {
        if (value instanceof Undefined) {
          return new ArrayList<>();
        }
        if (!(value instanceof Map<?, ?>)) {
          throw new TemplateException("TypeError: Can only get item pairs from a mapping.");
        }
        return ((PyCallable) PyMethods.bind(value, "items")).call(List.of(), Map.of());
      }
      case "join" -> {
        String separator = PyValues.str(positional(arguments, keywords, 0, "d", ""));
        Object attribute = positional(arguments, keywords, 1, "attribute", null);
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : PyValues.iterate(value)) {
          if (!first) {
            out.append(separator);
          }
          first = false;
          out.append(PyValues.str(attribute == null ? item : attributePath(item, attribute)));
        }
        return out.toString();
      }
      case "list" -> {
        return PyValues.iterate(value);
      }
      case "map" -> {
        return map(interpreter, value, arguments, keywords);
      }
      case "max", "min" -> {
        return extreme(value, arguments, keywords, name.equals("max"));
      }
      case "select", "reject" -> {
        return select(interpreter, value, arguments, keywords, name.equals("select"), false);
      }
      case "selectattr", "rejectattr" -> {
        return select(interpreter, value, arguments, keywords, name.equals("selectattr"), true);
      }
      case "replace" -> {
        String text = PyValues.str(value);
        String old = PyValues.str(positional(arguments, keywords, 0, "old", ""));
        String replacement = PyValues.str(positional(arguments, keywords, 1, "new", ""));
        Object count = positional(arguments, keywords, 2, "count", null);
        return PyMethods.replace(text, old, replacement, count == null ? -1 : integer(count, "count"));
      }
      case "reverse" -> {
        if (value instanceof String text) {
          return new StringBuilder(text).reverse().toString();
        }
        List<Object> items = PyValues.iterate(value);
        java.util.Collections.reverse(items);
        return items;
      }
      case "round" -> {
        long precision = integer(positional(arguments, keywords, 0, "precision", 0L), "precision");
        String method = PyValues.str(positional(arguments, keywords, 1, "method", "common"));
        // Python's round() is exact and ties to even; ceil/floor act on the exact binary value too.
        RoundingMode mode = switch (method) {
          case "ceil" -> RoundingMode.CEILING;
          case "floor" -> RoundingMode.FLOOR;
          default -> RoundingMode.HALF_EVEN;
        };
        return new BigDecimal(PyValues.toDouble(value)).setScale((int) precision, mode).doubleValue();
      }
      case "safe" -> {
        return value;
      }
      case "sort" -> {
        boolean reverse = flag(arguments, keywords, 0, "reverse");
        boolean caseSensitive = flag(arguments, keywords, 1, "case_sensitive");
        Object attribute = positional(arguments, keywords, 2, "attribute", null);
        List<Object> items = PyValues.iterate(value);
        Comparator<Object> order = (a, b) -> PyValues.compare(sortKey(a, attribute, caseSensitive),
            sortKey(b, attribute, caseSensitive), "<");
        items.sort(reverse ? order.reversed() : order);
        return items;
      }
      case "string" -> {
        return PyValues.str(value);
      }
      case "sum" -> {
        Object attribute = positional(arguments, keywords, 0, "attribute", null);
        Object total = positional(arguments, keywords, 1, "start", 0L);
        for (Object item : PyValues.iterate(value)) {
          total = PyValues.arithmetic("+", total, attribute == null ? item : attributePath(item, attribute));
        }
        return total;
      }
      case "tojson" -> {
        // HF's override: tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)
        boolean ensureAscii = flag(arguments, keywords, 0, "ensure_ascii");
        Object indent = positional(arguments, keywords, 1, "indent", null);
        Object separators = positional(arguments, keywords, 2, "separators", null);
        boolean sortKeys = flag(arguments, keywords, 3, "sort_keys");
        String itemSeparator = null;
        String keySeparator = null;
        if (separators instanceof List<?> || separators instanceof PyTuple) {
          List<Object> pair = PyValues.iterate(separators);
          itemSeparator = PyValues.str(pair.get(0));
          keySeparator = PyValues.str(pair.get(1));
        }
        return JsonDumps.dumps(value, indent, itemSeparator, keySeparator, sortKeys, ensureAscii);
      }
      case "trim" -> {
        Object chars = positional(arguments, keywords, 0, "chars", null);
        return PyStrings.strip(PyValues.str(value), chars == null ? null : PyValues.str(chars));
      }
      case "unique" -> {
        boolean caseSensitive = flag(arguments, keywords, 0, "case_sensitive");
        Object attribute = positional(arguments, keywords, 1, "attribute", null);
        List<Object> seen = new ArrayList<>();
        List<Object> result = new ArrayList<>();
        for (Object item : PyValues.iterate(value)) {
          Object key = sortKey(item, attribute, caseSensitive);
          if (seen.stream().noneMatch(other -> PyValues.equal(other, key))) {
            seen.add(key);
            result.add(item);
          }
        }
        return result;
      }
      case "wordcount" -> {
        return (long) PyStrings.split(PyValues.str(value), null, -1).size();
      }
      default -> throw new TemplateException("TemplateRuntimeError: no filter named '" + name + "'");
    }
  }

  private static Object attributePath(Object item, Object attribute) {
    if (attribute instanceof Long index) {
      return PyValues.getItem(item, index);
    }
    Object current = item;
    for (String part : PyValues.str(attribute).split("\\.")) {
      current = part.matches("\\d+") ? PyValues.getItem(current, Long.parseLong(part))
          : PyValues.getItem(current, part);
    }
    return current;
  }

  private static Object sortKey(Object item, Object attribute, boolean caseSensitive) {
    Object key = attribute == null ? item : attributePath(item, attribute);
    if (!caseSensitive && key instanceof String text) {
      return text.toLowerCase(Locale.ROOT);
    }
    return key;
  }

  private static Object dictsort(Object value, List<Object> arguments, Map<String, Object> keywords) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new TemplateException("TypeError: dictsort needs a mapping");
    }
    boolean caseSensitive = flag(arguments, keywords, 0, "case_sensitive");
    String by = PyValues.str(positional(arguments, keywords, 1, "by", "key"));
    boolean reverse = flag(arguments, keywords, 2, "reverse");
    List<Object> pairs = new ArrayList<>();
    map.forEach((key, item) -> {
      List<Object> pair = new ArrayList<>();
      pair.add(key);
      pair.add(item);
      pairs.add(new PyTuple(pair));
    });
    int position = by.equals("value") ? 1 : 0;
    Comparator<Object> order = (a, b) -> PyValues.compare(
        sortKey(((PyTuple) a).items().get(position), null, caseSensitive),
        sortKey(((PyTuple) b).items().get(position), null, caseSensitive), "<");
    pairs.sort(reverse ? order.reversed() : order);
    return pairs;
  }

  private static Object extreme(Object value, List<Object> arguments, Map<String, Object> keywords, boolean max) {
    boolean caseSensitive = flag(arguments, keywords, 0, "case_sensitive");
    Object attribute = positional(arguments, keywords, 1, "attribute", null);
    Object best = null;
    Object bestKey = null;
    for (Object item : PyValues.iterate(value)) {
      Object key = sortKey(item, attribute, caseSensitive);
      if (bestKey == null || (max ? PyValues.compare(key, bestKey, ">") > 0 : PyValues.compare(key, bestKey, "<") < 0)) {
        best = item;
        bestKey = key;
      }
    }
    return bestKey == null ? new Undefined("No aggregated item, sequence was empty.") : best;
  }

  private static Object map(Interpreter interpreter, Object value, List<Object> arguments,
      Map<String, Object> keywords) {
    List<Object> result = new ArrayList<>();
    if (arguments.isEmpty() && keywords.containsKey("attribute")) {
      Object attribute = keywords.get("attribute");
      Object fallback = keywords.get("default");
      for (Object item : PyValues.iterate(value)) {
        Object mapped = attributePath(item, attribute);
        result.add(mapped instanceof Undefined && keywords.containsKey("default") ? fallback : mapped);
      }
      return result;
    }
    String filterName = PyValues.str(PyMethods.argument(arguments, 0));
    List<Object> rest = arguments.subList(1, arguments.size());
    for (Object item : PyValues.iterate(value)) {
      result.add(filter(interpreter, filterName, item, rest, keywords));
    }
    return result;
  }

  private static Object select(Interpreter interpreter, Object value, List<Object> arguments,
      Map<String, Object> keywords, boolean keep, boolean byAttribute) {
    List<Object> result = new ArrayList<>();
    int offset = byAttribute ? 1 : 0;
    Object attribute = byAttribute ? PyMethods.argument(arguments, 0) : null;
    String testName = arguments.size() > offset ? PyValues.str(arguments.get(offset)) : null;
    List<Object> testArguments = arguments.size() > offset + 1 ? arguments.subList(offset + 1, arguments.size())
        : List.of();
    for (Object item : PyValues.iterate(value)) {
      Object subject = byAttribute ? attributePath(item, attribute) : item;
      boolean passes = testName == null ? PyValues.truthy(subject)
          : test(interpreter, testName, subject, testArguments, Map.of());
      if (passes == keep) {
        result.add(item);
      }
    }
    return result;
  }

  /** Jinja 3.1's indent filter, including its handling of blank lines and the first line. */
  private static String indent(String text, List<Object> arguments, Map<String, Object> keywords) {
    Object width = positional(arguments, keywords, 0, "width", 4L);
    boolean first = flag(arguments, keywords, 1, "first");
    boolean blank = flag(arguments, keywords, 2, "blank");
    String indentation = width instanceof String unit ? unit : " ".repeat((int) integer(width, "width"));
    String withNewline = text + "\n";
    @SuppressWarnings("unchecked")
    List<Object> lines = (List<Object>) ((PyCallable) PyMethods.bind(withNewline, "splitlines"))
        .call(List.of(), Map.of());
    StringBuilder out = new StringBuilder();
    if (blank) {
      for (int i = 0; i < lines.size(); i++) {
        out.append(i == 0 ? "" : "\n" + indentation).append((String) lines.get(i));
      }
    } else {
      out.append(lines.isEmpty() ? "" : (String) lines.get(0));
      for (int i = 1; i < lines.size(); i++) {
        String line = (String) lines.get(i);
        out.append('\n').append(line.isEmpty() ? line : indentation + line);
      }
    }
    return first ? indentation + out : out.toString();
  }
}
