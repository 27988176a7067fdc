package dev.quarry.model.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Methods a sandboxed template may call on values: Python's {@code str} methods, {@code dict.items/
 * keys/values/get}, {@code list.index/count}. Mutating methods ({@code append}, {@code update}, ...)
 * are refused as in Jinja2's {@code ImmutableSandboxedEnvironment}.
 */
final class PyMethods {

  private static final Set<String> UNSAFE_LIST = Set.of("append", "extend", "insert", "pop", "remove", "clear",
      "sort", "reverse");
  private static final Set<String> UNSAFE_DICT = Set.of("update", "pop", "popitem", "setdefault", "clear");

  private PyMethods() {}

  /** The bound method {@code target.name}, or null if the value has no such method. */
  static Object bind(Object target, String name) {
    if (target instanceof String text) {
      return stringMethod(text, name);
    }
    if (target instanceof Map<?, ?> map) {
      if (UNSAFE_DICT.contains(name)) {
        return unsafe("dict", name);
      }
      return dictMethod(map, name);
    }
    if (target instanceof List<?> || target instanceof PyTuple) {
      List<?> items = target instanceof List<?> list ? list : ((PyTuple) target).items();
      if (target instanceof List && UNSAFE_LIST.contains(name)) {
        return unsafe("list", name);
      }
      return switch (name) {
        case "index" -> (PyCallable) (arguments, keywords) -> {
          for (int i = 0; i < items.size(); i++) {
            if (PyValues.equal(items.get(i), argument(arguments, 0))) {
              return (long) i;
            }
          }
          throw new TemplateException("ValueError: " + PyValues.repr(argument(arguments, 0)) + " is not in list");
        };
        case "count" -> (PyCallable) (arguments, keywords) ->
            items.stream().filter(item -> PyValues.equal(item, argument(arguments, 0))).count();
        default -> null;
      };
    }
    return null;
  }

  private static Undefined unsafe(String type, String name) {
    return new Undefined("SecurityError: access to attribute '" + name + "' of '" + type + "' object is unsafe.");
  }

  static Object argument(List<Object> arguments, int index) {
    if (index >= arguments.size()) {
      throw new TemplateException("TypeError: missing argument " + (index + 1));
    }
    return arguments.get(index);
  }

  private static Object optional(List<Object> arguments, Map<String, Object> keywords, int index, String name,
      Object fallback) {
    if (keywords.containsKey(name)) {
      return keywords.get(name);
    }
    return index < arguments.size() ? arguments.get(index) : fallback;
  }

  private static String string(Object value, String method) {
    if (value instanceof String text) {
      return text;
    }
    throw new TemplateException("TypeError: " + method + " argument must be str, not " + PyValues.typeName(value));
  }

  private static Object dictMethod(Map<?, ?> map, String name) {
    return switch (name) {
      case "items" -> (PyCallable) (arguments, keywords) -> {
        List<Object> pairs = new ArrayList<>();
        map.forEach((key, value) -> {
          List<Object> pair = new ArrayList<>();
          pair.add(key);
          pair.add(value);
          pairs.add(new PyTuple(pair));
        });
        return pairs;
      };
      case "keys" -> (PyCallable) (arguments, keywords) -> new ArrayList<Object>(map.keySet());
      case "values" -> (PyCallable) (arguments, keywords) -> new ArrayList<Object>(map.values());
      case "get" -> (PyCallable) (arguments, keywords) -> {
        Object key = argument(arguments, 0);
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (PyValues.equal(entry.getKey(), key)) {
            return entry.getValue();
          }
        }
        return arguments.size() > 1 ? arguments.get(1) : null;
      };
      case "copy" -> (PyCallable) (arguments, keywords) -> new java.util.LinkedHashMap<Object, Object>(map);
      default -> null;
    };
  }

  private static boolean matchesAffix(String text, Object affixes, List<Object> arguments, boolean prefix) {
    int length = text.codePointCount(0, text.length());
    long start = arguments.size() > 1 && arguments.get(1) != null ? (Long) arguments.get(1) : 0;
    long end = arguments.size() > 2 && arguments.get(2) != null ? (Long) arguments.get(2) : length;
    start = start < 0 ? Math.max(0, start + length) : Math.min(start, length);
    end = end < 0 ? Math.max(0, end + length) : Math.min(end, length);
    if (start > end) {
      return false;
    }
    String window = text.substring(text.offsetByCodePoints(0, (int) start), text.offsetByCodePoints(0, (int) end));
    List<Object> candidates = affixes instanceof PyTuple tuple ? tuple.items() : List.of(affixes);
    for (Object candidate : candidates) {
      String affix = string(candidate, prefix ? "startswith" : "endswith");
      if (prefix ? window.startsWith(affix) : window.endsWith(affix)) {
        return true;
      }
    }
    return false;
  }

  private static Object stringMethod(String text, String name) {
    return switch (name) {
      case "startswith" -> (PyCallable) (arguments, keywords) ->
          matchesAffix(text, argument(arguments, 0), arguments, true);
      case "endswith" -> (PyCallable) (arguments, keywords) ->
          matchesAffix(text, argument(arguments, 0), arguments, false);
      case "split", "rsplit" -> (PyCallable) (arguments, keywords) -> {
        Object separator = optional(arguments, keywords, 0, "sep", null);
        long maxSplit = (Long) optional(arguments, keywords, 1, "maxsplit", -1L);
        String sep = separator == null ? null : string(separator, name);
        return name.equals("split") ? PyStrings.split(text, sep, maxSplit) : PyStrings.rsplit(text, sep, maxSplit);
      };
      case "strip", "lstrip", "rstrip" -> (PyCallable) (arguments, keywords) -> {
        Object chars = optional(arguments, keywords, 0, "chars", null);
        String set = chars == null ? null : string(chars, name);
        return switch (name) {
          case "strip" -> PyStrings.strip(text, set);
          case "lstrip" -> PyStrings.lstrip(text, set);
          default -> PyStrings.rstrip(text, set);
        };
      };
      case "upper" -> (PyCallable) (arguments, keywords) -> text.toUpperCase(Locale.ROOT);
      case "lower" -> (PyCallable) (arguments, keywords) -> text.toLowerCase(Locale.ROOT);
      case "casefold" -> (PyCallable) (arguments, keywords) -> text.toLowerCase(Locale.ROOT);
      case "title" -> (PyCallable) (arguments, keywords) -> title(text);
      case "capitalize" -> (PyCallable) (arguments, keywords) -> capitalize(text);
      case "swapcase" -> (PyCallable) (arguments, keywords) -> {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(codePoint -> out.appendCodePoint(Character.isUpperCase(codePoint)
            ? Character.toLowerCase(codePoint) : Character.toUpperCase(codePoint)));
        return out.toString();
      };
      case "replace" -> (PyCallable) (arguments, keywords) -> {
        String old = string(argument(arguments, 0), name);
        String replacement = string(argument(arguments, 1), name);
        long count = arguments.size() > 2 ? (Long) arguments.get(2) : -1;
        return replace(text, old, replacement, count);
      };
      case "find", "index", "rfind", "rindex" -> (PyCallable) (arguments, keywords) -> {
        String needle = string(argument(arguments, 0), name);
        int found = name.startsWith("r") ? text.lastIndexOf(needle) : text.indexOf(needle);
        if (found < 0 && name.contains("index")) {
          throw new TemplateException("ValueError: substring not found");
        }
        return found < 0 ? -1L : (long) text.codePointCount(0, found);
      };
      case "count" -> (PyCallable) (arguments, keywords) -> {
        String needle = string(argument(arguments, 0), name);
        if (needle.isEmpty()) {
          return PyStrings.length(text) + 1;
        }
        long count = 0;
        int from = 0;
        while ((from = text.indexOf(needle, from)) >= 0) {
          count++;
          from += needle.length();
        }
        return count;
      };
      case "join" -> (PyCallable) (arguments, keywords) -> {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : PyValues.iterate(argument(arguments, 0))) {
          if (!first) {
            out.append(text);
          }
          out.append(string(item, "join"));
          first = false;
        }
        return out.toString();
      };
      case "format" -> (PyCallable) (arguments, keywords) -> PyFormat.format(text, arguments, keywords);
      case "splitlines" -> (PyCallable) (arguments, keywords) -> {
        List<Object> lines = new ArrayList<>();
        boolean keepEnds = PyValues.truthy(optional(arguments, keywords, 0, "keepends", false));
        int start = 0;
        int index = 0;
        while (index < text.length()) {
          char current = text.charAt(index);
          if (current == '\n' || current == '\r' || current == 0x0B || current == 0x0C || current == 0x1C
              || current == 0x1D || current == 0x1E || current == 0x85 || current == 0x2028 || current == 0x2029) {
            int lineEnd = index;
            int next = index + 1;
            if (current == '\r' && next < text.length() && text.charAt(next) == '\n') {
              next++;
            }
            lines.add(text.substring(start, keepEnds ? next : lineEnd));
            start = next;
            index = next;
          } else {
            index++;
          }
        }
        if (start < text.length()) {
          lines.add(text.substring(start));
        }
        return lines;
      };
      case "isdigit", "isdecimal", "isnumeric" -> (PyCallable) (arguments, keywords) ->
          !text.isEmpty() && text.codePoints().allMatch(Character::isDigit);
      case "isalpha" -> (PyCallable) (arguments, keywords) ->
          !text.isEmpty() && text.codePoints().allMatch(Character::isLetter);
      case "isalnum" -> (PyCallable) (arguments, keywords) ->
          !text.isEmpty() && text.codePoints().allMatch(Character::isLetterOrDigit);
      case "isspace" -> (PyCallable) (arguments, keywords) -> PyStrings.isAllWhitespace(text);
      case "isupper" -> (PyCallable) (arguments, keywords) ->
          text.codePoints().anyMatch(Character::isLetter) && text.equals(text.toUpperCase(Locale.ROOT));
      case "islower" -> (PyCallable) (arguments, keywords) ->
          text.codePoints().anyMatch(Character::isLetter) && text.equals(text.toLowerCase(Locale.ROOT));
      case "removeprefix" -> (PyCallable) (arguments, keywords) -> {
        String prefix = string(argument(arguments, 0), name);
        return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
      };
      case "removesuffix" -> (PyCallable) (arguments, keywords) -> {
        String suffix = string(argument(arguments, 0), name);
        return !suffix.isEmpty() && text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : text;
      };
      case "partition", "rpartition" -> (PyCallable) (arguments, keywords) -> {
        String separator = string(argument(arguments, 0), name);
        int found = name.equals("partition") ? text.indexOf(separator) : text.lastIndexOf(separator);
        List<Object> parts = new ArrayList<>();
        if (found < 0) {
          if (name.equals("partition")) {
            parts.add(text);
            parts.add("");
            parts.add("");
          } else {
            parts.add("");
            parts.add("");
            parts.add(text);
          }
        } else {
          parts.add(text.substring(0, found));
          parts.add(separator);
          parts.add(text.substring(found + separator.length()));
        }
        return new PyTuple(parts);
      };
      case "zfill" -> (PyCallable) (arguments, keywords) -> {
        long width = (Long) argument(arguments, 0);
        long missing = width - PyStrings.length(text);
        if (missing <= 0) {
          return text;
        }
        boolean signed = text.startsWith("-") || text.startsWith("+");
        String zeros = "0".repeat((int) missing);
        return signed ? text.charAt(0) + zeros + text.substring(1) : zeros + text;
      };
      case "center", "ljust", "rjust" -> (PyCallable) (arguments, keywords) -> {
        long width = (Long) argument(arguments, 0);
        String fill = arguments.size() > 1 ? string(arguments.get(1), name) : " ";
        long missing = width - PyStrings.length(text);
        if (missing <= 0) {
          return text;
        }
        return switch (name) {
          case "ljust" -> text + fill.repeat((int) missing);
          case "rjust" -> fill.repeat((int) missing) + text;
          default -> {
            long left = missing / 2 + (missing & width & 1);
            yield fill.repeat((int) left) + text + fill.repeat((int) (missing - left));
          }
        };
      };
      default -> null;
    };
  }

  static String replace(String text, String old, String replacement, long count) {
    if (count < 0) {
      if (old.isEmpty()) {
        StringBuilder out = new StringBuilder(replacement);
        text.codePoints().forEach(codePoint -> out.appendCodePoint(codePoint).append(replacement));
        return out.toString();
      }
      return text.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    long done = 0;
    while (done < count) {
      int found = text.indexOf(old, from);
      if (found < 0 || old.isEmpty()) {
        break;
      }
      out.append(text, from, found).append(replacement);
      from = found + old.length();
      done++;
    }
    return out.append(text.substring(from)).toString();
  }

  static String capitalize(String text) {
    if (text.isEmpty()) {
      return text;
    }
    int first = text.codePointAt(0);
    return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
        .append(text.substring(Character.charCount(first)).toLowerCase(Locale.ROOT)).toString();
  }

  /** Python's str.title(): uppercase after any non-letter, lowercase otherwise. */
  static String title(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean previousIsCased = false;
    int index = 0;
    while (index < text.length()) {
      int codePoint = text.codePointAt(index);
      boolean cased = Character.isUpperCase(codePoint) || Character.isLowerCase(codePoint)
          || Character.isTitleCase(codePoint);
      out.appendCodePoint(previousIsCased ? Character.toLowerCase(codePoint) : Character.toTitleCase(codePoint));
      previousIsCased = cased;
      index += Character.charCount(codePoint);
    }
    return out.toString();
  }
}
