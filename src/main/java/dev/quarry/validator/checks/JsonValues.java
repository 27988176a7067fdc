package dev.quarry.validator.checks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text parsed the way Python's {@code json.loads} parses it, into plain Java values that
 * {@code grail.protocol.python.PythonJson} renders back as {@code json.dumps} would: objects become
 * ordered maps, arrays lists, integers {@code Long} (or {@code BigInteger}), other numbers
 * {@code Double}; {@code NaN} and {@code Infinity} are accepted, trailing text is not.
 */
public final class JsonValues {

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private JsonValues() {}

  /**
   * The parsed value.
   *
   * @throws IllegalArgumentException with the parser's complaint (never the text itself) when
   *     {@code json.loads} would raise
   */
  public static Object parse(String text) {
    try {
      return plain(JSON.readTree(text));
    } catch (JsonProcessingException exception) {
      throw new IllegalArgumentException("not JSON (" + exception.getOriginalMessage() + ")");
    }
  }

  private static Object plain(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        map.put(field.getKey(), plain(field.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        list.add(plain(element));
      }
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }
}
