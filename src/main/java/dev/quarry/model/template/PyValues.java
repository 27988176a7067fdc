package dev.quarry.model.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Python semantics for template values: {@code str()}, {@code repr()}, truthiness, {@code ==},
 * ordering, arithmetic, {@code in}, {@code len()}, iteration, and Jinja2's attribute/item lookup.
 * Values are: null (None), Boolean, Long, Double, String, List, {@link PyTuple}, Map,
 * {@link Undefined}, {@link Namespace}, {@link PyCallable}, {@link LoopContext}.
 */
final class PyValues {

  private PyValues() {}

  /** Converts caller-supplied Java values to the template's canonical types (deeply). */
  static Object fromJava(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
        || value instanceof Double || value instanceof PyCallable || value instanceof Undefined
        || value instanceof Namespace || value instanceof PyTuple) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) {
      return ((Float) value).doubleValue();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.doubleValue();
    }
    if (value instanceof Character character) {
      return character.toString();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> converted = new LinkedHashMap<>();
      map.forEach((key, item) -> converted.put(fromJava(key), fromJava(item)));
      return converted;
    }
    if (value instanceof Collection<?> collection) {
      List<Object> converted = new ArrayList<>(collection.size());
      collection.forEach(item -> converted.add(fromJava(item)));
      return converted;
    }
    if (value instanceof Object[] array) {
      List<Object> converted = new ArrayList<>(array.length);
      for (Object item : array) {
        converted.add(fromJava(item));
      }
      return converted;
    }
    throw new TemplateException("cannot pass a " + value.getClass().getName() + " to a template");
  }

  static boolean truthy(Object value) {
    if (value == null || value instanceof Undefined) {
      return false;
    }
    if (value instanceof Boolean bool) {
      return bool;
    }
    if (value instanceof Long number) {
      return number != 0;
    }
    if (value instanceof Double number) {
      return number != 0.0;
    }
    if (value instanceof String text) {
      return !text.isEmpty();
    }
    if (value instanceof List<?> list) {
      return !list.isEmpty();
    }
    if (value instanceof PyTuple tuple) {
      return !tuple.items().isEmpty();
    }
    if (value instanceof Map<?, ?> map) {
      return !map.isEmpty();
    }
    return true;
  }

  static String typeName(Object value) {
    if (value == null) {
      return "NoneType";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof Long) {
      return "int";
    }
    if (value instanceof Double) {
      return "float";
    }
    if (value instanceof String) {
      return "str";
    }
    if (value instanceof List) {
      return "list";
    }
    if (value instanceof PyTuple) {
      return "tuple";
    }
    if (value instanceof Map) {
      return "dict";
    }
    if (value instanceof Undefined) {
      return "Undefined";
    }
    if (value instanceof Namespace) {
      return "Namespace";
    }
    if (value instanceof LoopContext) {
      return "LoopContext";
    }
    return "function";
  }

  /** Python {@code str()}. */
  static String str(Object value) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof Undefined) {
      return "";
    }
    return repr(value);
  }

  /** Python {@code repr()}. */
  static String repr(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Boolean bool) {
      return bool ? "True" : "False";
    }
    if (value instanceof Long number) {
      return number.toString();
    }
    if (value instanceof Double number) {
      return PyStrings.reprFloat(number);
    }
    if (value instanceof String text) {
      return PyStrings.repr(text);
    }
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ", ").append(repr(list.get(i)));
      }
      return out.append(']').toString();
    }
    if (value instanceof PyTuple tuple) {
      StringBuilder out = new StringBuilder("(");
      List<Object> items = tuple.items();
      for (int i = 0; i < items.size(); i++) {
        out.append(i == 0 ? "" : ", ").append(repr(items.get(i)));
      }
      return out.append(items.size() == 1 ? ",)" : ")").toString();
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(first ? "" : ", ").append(repr(entry.getKey())).append(": ").append(repr(entry.getValue()));
        first = false;
      }
      return out.append('}').toString();
    }
    if (value instanceof Undefined) {
      return "Undefined";
    }
    return value.toString();
  }

  static boolean isNumber(Object value) {
    return value instanceof Long || value instanceof Double || value instanceof Boolean;
  }

  static double toDouble(Object value) {
    if (value instanceof Boolean bool) {
      return bool ? 1 : 0;
    }
    return ((Number) value).doubleValue();
  }

  private static long toLong(Object value) {
    if (value instanceof Boolean bool) {
      return bool ? 1 : 0;
    }
    return (Long) value;
  }

  private static boolean isIntegral(Object value) {
    return value instanceof Long || value instanceof Boolean;
  }

  /** Python {@code ==}. */
  static boolean equal(Object left, Object right) {
    if (left instanceof Undefined || right instanceof Undefined) {
      return left instanceof Undefined && right instanceof Undefined;
    }
    if (isNumber(left) && isNumber(right)) {
      if (isIntegral(left) && isIntegral(right)) {
        return toLong(left) == toLong(right);
      }
      return toDouble(left) == toDouble(right);
    }
    if (left instanceof List<?> a && right instanceof List<?> b) {
      return sequenceEqual(a, b);
    }
    if (left instanceof PyTuple a && right instanceof PyTuple b) {
      return sequenceEqual(a.items(), b.items());
    }
    if (left instanceof Map<?, ?> a && right instanceof Map<?, ?> b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<?, ?> entry : a.entrySet()) {
        if (!b.containsKey(entry.getKey()) || !equal(entry.getValue(), b.get(entry.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(left, right);
  }

  private static boolean sequenceEqual(List<?> a, List<?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!equal(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Python ordering for {@code < <= > >=}; unorderable types raise TypeError as Python does. */
  static int compare(Object left, Object right, String operator) {
    if (isNumber(left) && isNumber(right)) {
      if (isIntegral(left) && isIntegral(right)) {
        return Long.compare(toLong(left), toLong(right));
      }
      return Double.compare(toDouble(left), toDouble(right));
    }
    if (left instanceof String a && right instanceof String b) {
      return compareCodePoints(a, b);
    }
    List<?> leftItems = left instanceof List<?> list ? list : left instanceof PyTuple tuple ? tuple.items() : null;
    List<?> rightItems = right instanceof List<?> list ? list : right instanceof PyTuple tuple ? tuple.items() : null;
    if (leftItems != null && rightItems != null && (left instanceof List) == (right instanceof List)) {
      for (int i = 0; i < Math.min(leftItems.size(), rightItems.size()); i++) {
        if (!equal(leftItems.get(i), rightItems.get(i))) {
          return compare(leftItems.get(i), rightItems.get(i), operator);
        }
      }
      return Integer.compare(leftItems.size(), rightItems.size());
    }
    throw new TemplateException("TypeError: '" + operator + "' not supported between instances of '"
        + typeName(left) + "' and '" + typeName(right) + "'");
  }

  /** Python compares strings by code point, which differs from UTF-16 order above the BMP. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Python {@code in}. */
  static boolean contains(Object container, Object item) {
    if (container instanceof String text) {
      if (!(item instanceof String needle)) {
        throw new TemplateException("TypeError: 'in <string>' requires string as left operand, not "
            + typeName(item));
      }
      return text.contains(needle);
    }
    if (container instanceof Map<?, ?> map) {
      for (Object key : map.keySet()) {
        if (equal(key, item)) {
          return true;
        }
      }
      return false;
    }
    if (container instanceof Undefined) {
      return false;
    }
    for (Object element : iterate(container)) {
      if (equal(element, item)) {
        return true;
      }
    }
    return false;
  }

  /** What a for loop sees: list and tuple items, dict keys, a string's characters. */
  static List<Object> iterate(Object value) {
    if (value instanceof List<?> list) {
      return new ArrayList<>(list);
    }
    if (value instanceof PyTuple tuple) {
      return tuple.items();
    }
    if (value instanceof Map<?, ?> map) {
      return new ArrayList<>(map.keySet());
    }
    if (value instanceof String text) {
      List<Object> characters = new ArrayList<>();
      text.codePoints().forEach(codePoint -> characters.add(Character.toString(codePoint)));
      return characters;
    }
    if (value instanceof Undefined) {
      return List.of();
    }
    throw new TemplateException("TypeError: '" + typeName(value) + "' object is not iterable");
  }

  static long length(Object value) {
    if (value instanceof String text) {
      return PyStrings.length(text);
    }
    if (value instanceof List<?> list) {
      return list.size();
    }
    if (value instanceof PyTuple tuple) {
      return tuple.items().size();
    }
    if (value instanceof Map<?, ?> map) {
      return map.size();
    }
    if (value instanceof Undefined) {
      return 0;
    }
    throw new TemplateException("TypeError: object of type '" + typeName(value) + "' has no len()");
  }

  static Object arithmetic(String operator, Object left, Object right) {
    if (left instanceof Undefined undefined) {
      throw undefined.error();
    }
    if (right instanceof Undefined undefined) {
      throw undefined.error();
    }
    switch (operator) {
      case "+" -> {
        if (left instanceof String a && right instanceof String b) {
          return a + b;
        }
        if (left instanceof List<?> a && right instanceof List<?> b) {
          List<Object> joined = new ArrayList<>(a);
          joined.addAll(b);
          return joined;
        }
        if (left instanceof PyTuple a && right instanceof PyTuple b) {
          List<Object> joined = new ArrayList<>(a.items());
          joined.addAll(b.items());
          return new PyTuple(joined);
        }
      }
      case "*" -> {
        if (left instanceof String text && isIntegral(right)) {
          return text.repeat((int) Math.max(0, toLong(right)));
        }
        if (isIntegral(left) && right instanceof String text) {
          return text.repeat((int) Math.max(0, toLong(left)));
        }
        if (left instanceof List<?> list && isIntegral(right)) {
          List<Object> repeated = new ArrayList<>();
          for (long i = 0; i < toLong(right); i++) {
            repeated.addAll(list);
          }
          return repeated;
        }
      }
      case "%" -> {
        if (left instanceof String format) {
          return PyFormat.percent(format, right);
        }
      }
      default -> { }
    }
    if (!isNumber(left) || !isNumber(right)) {
      throw new TemplateException("TypeError: unsupported operand type(s) for " + operator + ": '"
          + typeName(left) + "' and '" + typeName(right) + "'");
    }
    boolean integral = isIntegral(left) && isIntegral(right);
    switch (operator) {
      case "+" -> {
        return integral ? (Object) Math.addExact(toLong(left), toLong(right)) : toDouble(left) + toDouble(right);
      }
      case "-" -> {
        return integral ? (Object) Math.subtractExact(toLong(left), toLong(right)) : toDouble(left) - toDouble(right);
      }
      case "*" -> {
        return integral ? (Object) Math.multiplyExact(toLong(left), toLong(right)) : toDouble(left) * toDouble(right);
      }
      case "/" -> {
        if (toDouble(right) == 0) {
          throw new TemplateException("ZeroDivisionError: division by zero");
        }
        return toDouble(left) / toDouble(right);
      }
      case "//" -> {
        if (toDouble(right) == 0) {
          throw new TemplateException("ZeroDivisionError: integer division or modulo by zero");
        }
        return integral ? (Object) Math.floorDiv(toLong(left), toLong(right))
            : Math.floor(toDouble(left) / toDouble(right));
      }
      case "%" -> {
        if (toDouble(right) == 0) {
          throw new TemplateException("ZeroDivisionError: integer division or modulo by zero");
        }
        if (integral) {
          return Math.floorMod(toLong(left), toLong(right));
        }
        double a = toDouble(left);
        double b = toDouble(right);
        double remainder = a % b;
        return (remainder != 0 && (remainder < 0) != (b < 0)) ? remainder + b : remainder;
      }
      case "**" -> {
        if (integral && toLong(right) >= 0) {
          long result = 1;
          for (long i = 0; i < toLong(right); i++) {
            result = Math.multiplyExact(result, toLong(left));
          }
          return result;
        }
        return Math.pow(toDouble(left), toDouble(right));
      }
      default -> throw new TemplateException("unknown operator " + operator);
    }
  }

  static Object negate(Object value) {
    if (value instanceof Long number) {
      return Math.negateExact(number);
    }
    if (value instanceof Boolean bool) {
      return bool ? -1L : 0L;
    }
    if (value instanceof Double number) {
      return -number;
    }
    if (value instanceof Undefined undefined) {
      throw undefined.error();
    }
    throw new TemplateException("TypeError: bad operand type for unary -: '" + typeName(value) + "'");
  }

  /**
   * Jinja2's {@code getattr}: a Python attribute first (methods of str, dict, list; loop and
   * namespace attributes), then the mapping key; a miss is undefined.
   */
  static Object getAttribute(Object target, String name) {
    if (target instanceof Undefined undefined) {
      throw undefined.error();
    }
    Object method = PyMethods.bind(target, name);
    if (method != null) {
      return method;
    }
    if (target instanceof Map<?, ?> map) {
      if (map.containsKey(name)) {
        return map.get(name);
      }
      return new Undefined("'dict object' has no attribute '" + name + "'");
    }
    if (target instanceof Namespace namespace) {
      if (namespace.attributes.containsKey(name)) {
        return namespace.attributes.get(name);
      }
    }
    if (target instanceof LoopContext loop) {
      Object value = loop.attribute(name);
      if (value != null || name.equals("previtem") || name.equals("nextitem")) {
        return value;
      }
    }
    return new Undefined("'" + typeName(target) + " object' has no attribute '" + name + "'");
  }

  /** Jinja2's {@code getitem}: the item first, then (for string keys) an attribute; a miss is undefined. */
  static Object getItem(Object target, Object key) {
    if (target instanceof Undefined undefined) {
      throw undefined.error();
    }
    if (target instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (equal(entry.getKey(), key)) {
          return entry.getValue();
        }
      }
      if (key instanceof String name) {
        Object method = PyMethods.bind(target, name);
        if (method != null) {
          return method;
        }
      }
      return new Undefined("'dict object' has no attribute " + repr(key));
    }
    if (key instanceof SliceValue slice) {
      return slice.apply(target);
    }
    List<?> items = target instanceof List<?> list ? list : target instanceof PyTuple tuple ? tuple.items() : null;
    if (items != null || target instanceof String) {
      if (isIntegral(key)) {
        long position = toLong(key);
        if (items != null) {
          long resolved = position < 0 ? position + items.size() : position;
          if (resolved >= 0 && resolved < items.size()) {
            return items.get((int) resolved);
          }
          return new Undefined(typeName(target) + " object has no element " + position);
        }
        String text = (String) target;
        int count = text.codePointCount(0, text.length());
        long resolved = position < 0 ? position + count : position;
        if (resolved >= 0 && resolved < count) {
          int offset = text.offsetByCodePoints(0, (int) resolved);
          return Character.toString(text.codePointAt(offset));
        }
        return new Undefined("str object has no element " + position);
      }
    }
    if (key instanceof String name) {
      return getAttribute(target, name);
    }
    return new Undefined(typeName(target) + " object has no element " + repr(key));
  }

  /** A resolved {@code start:stop:step} subscript, applied with Python's slice rules. */
  record SliceValue(Object start, Object stop, Object step) {
    Object apply(Object target) {
      long stepValue = step == null ? 1 : toLong(step);
      if (stepValue == 0) {
        throw new TemplateException("ValueError: slice step cannot be zero");
      }
      List<Object> source;
      if (target instanceof String text) {
        source = iterate(text);
      } else if (target instanceof List<?> list) {
        source = new ArrayList<>(list);
      } else if (target instanceof PyTuple tuple) {
        source = tuple.items();
      } else {
        throw new TemplateException("TypeError: '" + typeName(target) + "' object is not subscriptable");
      }
      int length = source.size();
      long begin;
      long end;
      if (stepValue > 0) {
        begin = start == null ? 0 : clampIndex(toLong(start), length, 0, length);
        end = stop == null ? length : clampIndex(toLong(stop), length, 0, length);
      } else {
        begin = start == null ? length - 1 : clampIndex(toLong(start), length, -1, length - 1);
        end = stop == null ? -1 : clampIndex(toLong(stop), length, -1, length - 1);
      }
      List<Object> result = new ArrayList<>();
      for (long i = begin; stepValue > 0 ? i < end : i > end; i += stepValue) {
        result.add(source.get((int) i));
      }
      if (target instanceof String) {
        StringBuilder text = new StringBuilder();
        result.forEach(character -> text.append((String) character));
        return text.toString();
      }
      return target instanceof PyTuple ? new PyTuple(result) : result;
    }

    private static long clampIndex(long index, int length, long lower, long upper) {
      long resolved = index < 0 ? index + length : index;
      return Math.max(lower, Math.min(upper, resolved));
    }
  }

  static Iterator<Object> iterator(Object value) {
    return iterate(value).iterator();
  }
}
