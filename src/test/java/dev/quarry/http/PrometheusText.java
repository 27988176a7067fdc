package dev.quarry.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict reader of the Prometheus text format, enough to check what {@code /metrics} serves. */
final class PrometheusText {

  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private PrometheusText() {}

  /** Samples keyed by {@code name{label="value",...}} with labels sorted; every line must be well formed. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new TreeMap<>();
      if (sample.group(3) != null && !sample.group(3).isEmpty()) {
        Matcher label = LABEL.matcher(sample.group(3));
        int end = 0;
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
          end = label.end();
          if (end < sample.group(3).length() && sample.group(3).charAt(end) == ',') {
            end++;
          }
        }
        if (end != sample.group(3).length()) {
          throw new AssertionError("bad labels in: " + line);
        }
      }
      samples.put(key(sample.group(1), labels), Double.parseDouble(sample.group(4).replace("+Inf", "Infinity")));
    }
    return samples;
  }

  static String key(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder out = new StringBuilder(name).append('{');
    new TreeMap<>(labels).forEach((label, value) -> out.append(label).append("=\"").append(value).append("\","));
    out.setLength(out.length() - 1);
    return out.append('}').toString();
  }

  /** Metric family names announced by {@code # TYPE} lines. */
  static Map<String, String> types(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        if (types.put(parts[2], parts[3]) != null) {
          throw new AssertionError("metric family declared twice: " + parts[2]);
        }
      }
    }
    return types;
  }
}
