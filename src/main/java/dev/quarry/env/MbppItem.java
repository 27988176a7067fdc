package dev.quarry.env;

import java.util.List;
import java.util.Objects;

/**
 * One {@code google-research-datasets/mbpp} ({@code full}) row as the reference's task source keeps it.
 *
 * @param taskId the dataset's task id
 * @param text the problem statement
 * @param code the reference solution (only its first {@code def} line is shown to the model)
 * @param testList assertion strings, one test each
 * @param testSetupCode code run before each test ("" for almost every row)
 * @param testImports import lines run before each test (absent from the {@code full} config, so empty)
 */
public record MbppItem(int taskId, String text, String code, List<String> testList, String testSetupCode, List<String> testImports) {
  public MbppItem {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(testSetupCode, "testSetupCode");
    testList = List.copyOf(testList);
    testImports = List.copyOf(testImports);
  }
}
