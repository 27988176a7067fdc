package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.env.DatasetSplits;
import dev.quarry.env.Gsm8kItem;
import dev.quarry.env.MathItem;
import dev.quarry.env.TaskSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON Lines dataset files for {@code quarry protocol problem|reward --dataset-file}: one JSON
 * object per line with the HF dataset's fields, in the HF split's row order (formats in
 * docs/protocol-cli.md).
 */
final class DatasetFiles {

  /** The HF {@code type} values of hendrycks_math mapped to their config (subset) names. */
  private static final Map<String, String> MATH_TYPES = Map.of(
      "algebra", "algebra",
      "counting & probability", "counting_and_probability",
      "geometry", "geometry",
      "intermediate algebra", "intermediate_algebra",
      "number theory", "number_theory",
      "prealgebra", "prealgebra",
      "precalculus", "precalculus");

  private DatasetFiles() {}

  /** GSM8K rows: {@code {"question": …, "answer": …}}. */
  static TaskSource<Gsm8kItem> gsm8k(Path file) {
    List<Gsm8kItem> items = new ArrayList<>();
    int line = 0;
    for (JsonNode row : lines(file)) {
      line++;
      items.add(new Gsm8kItem(text(file, line, row, "question"), text(file, line, row, "answer")));
    }
    return TaskSource.of(items);
  }

  /**
   * MATH rows: {@code {"problem", "solution", "type", "level"}} plus optionally {@code "subset"}
   * (the config name); rows are grouped by subject in {@link DatasetSplits#MATH_SUBJECTS} order,
   * keeping file order within each.
   */
  static List<TaskSource<MathItem>> mathBySubject(Path file) {
    Map<String, List<MathItem>> bySubject = new LinkedHashMap<>();
    for (String subject : DatasetSplits.MATH_SUBJECTS) {
      bySubject.put(subject, new ArrayList<>());
    }
    int line = 0;
    for (JsonNode row : lines(file)) {
      line++;
      String type = text(file, line, row, "type");
      String subset = row.hasNonNull("subset") ? row.get("subset").asText() : MATH_TYPES.get(type.toLowerCase(Locale.ROOT));
      if (subset == null || !bySubject.containsKey(subset)) {
        throw new UserError("line " + line + " of " + file + " has type '" + type + "'; add a \"subset\" field naming one of "
            + DatasetSplits.MATH_SUBJECTS);
      }
      String level = row.hasNonNull("level") ? row.get("level").asText() : "";
      bySubject.get(subset).add(MathItem.fromDataset(text(file, line, row, "problem"), text(file, line, row, "solution"), type, level));
    }
    List<TaskSource<MathItem>> subjects = new ArrayList<>();
    for (List<MathItem> items : bySubject.values()) {
      subjects.add(TaskSource.of(items));
    }
    return subjects;
  }

  private static List<JsonNode> lines(Path file) {
    List<JsonNode> rows = new ArrayList<>();
    String[] lines = ProtocolInputs.readText(file).split("\n", -1);
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode row = ProtocolInputs.parseJson(file, line);
      if (!row.isObject()) {
        throw new UserError(file + " must hold one JSON object per line");
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new UserError("the dataset file " + file + " has no rows");
    }
    return rows;
  }

  private static String text(Path file, int line, JsonNode row, String field) {
    JsonNode value = row.get(field);
    if (value == null || !value.isTextual()) {
      throw new UserError("line " + line + " of " + file + " has no text field \"" + field + "\"");
    }
    return value.asText();
  }
}
