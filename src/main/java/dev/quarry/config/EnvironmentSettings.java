package dev.quarry.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the environments need besides the model: where datasets are, where to download them from,
 * and the Python interpreter that runs model-written code.
 *
 * @param python the interpreter for the code sandbox and the sympy check ({@code QUARRY_PYTHON})
 * @param kernelPython the interpreter with torch and triton for GPU kernel evaluation
 *     ({@code QUARRY_KERNEL_PYTHON}, else {@code python})
 * @param sandboxWorkers persistent worker processes ({@code QUARRY_SANDBOX_WORKERS})
 * @param datasetDirectory a directory of HF dataset repositories, searched first ({@code QUARRY_DATASET_DIR})
 * @param huggingFaceEndpoint the hub or mirror to download from ({@code HF_ENDPOINT})
 * @param huggingFaceToken an access token ({@code HF_TOKEN}); printed as {@value Secret#REDACTED}
 */
public record EnvironmentSettings(
    String python,
    String kernelPython,
    int sandboxWorkers,
    Optional<Path> datasetDirectory,
    URI huggingFaceEndpoint,
    Optional<Secret> huggingFaceToken) {

  /** The public Hugging Face hub. */
  public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

  public EnvironmentSettings {
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(kernelPython, "kernelPython");
    Objects.requireNonNull(datasetDirectory, "datasetDirectory");
    Objects.requireNonNull(huggingFaceEndpoint, "huggingFaceEndpoint");
    Objects.requireNonNull(huggingFaceToken, "huggingFaceToken");
  }
}
