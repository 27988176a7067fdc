package dev.quarry.env.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.env.KernelEvaluation;
import dev.quarry.env.python.PythonWorkerException;
import dev.quarry.env.python.WorkerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Starting kernel workers and reading their replies; shared by both backends. */
final class KernelWorkers {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCRIPT = script();
  /** The reference's CUDA sticky-error signatures ({@code _CUDA_STICKY_PATTERNS}). */
  private static final List<String> STICKY = List.of("illegal memory access", "device-side assert", "an illegal instruction",
      "unspecified launch failure", "cudaerrorillegaladdress", "cudaerrorassert", "cudaerrorlaunchfailure");
  private static final List<String> PASSED_NAMES = List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "LD_LIBRARY_PATH",
      "CUDA_HOME", "CUDA_PATH", "XDG_CACHE_HOME", "VIRTUAL_ENV", "CONDA_PREFIX", "PYENV_ROOT", "PYENV_VERSION");
  private static final List<String> PASSED_PREFIXES = List.of("TRITON_", "TORCH_", "PYTORCH_", "NVIDIA_", "CUDA_CACHE_", "NCCL_");

  private KernelWorkers() {}

  static WorkerProcess start(KernelWorkerSettings settings, int gpuId, boolean oneShot) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("one_shot", oneShot);
    settings.runtimeModule().ifPresent(module -> config.put("runtime_module", module.toAbsolutePath().toString()));
    Map<String, String> environment = new LinkedHashMap<>();
    System.getenv().forEach((name, value) -> {
      if (PASSED_NAMES.contains(name) || PASSED_PREFIXES.stream().anyMatch(name::startsWith)) {
        environment.put(name, value);
      }
    });
    environment.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    environment.put("CUDA_VISIBLE_DEVICES", Integer.toString(gpuId));
    environment.put("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
    try {
      return WorkerProcess.start(List.of(settings.python(), "-E", "-c", SCRIPT, JSON.writeValueAsString(config)), environment,
          settings.startupTimeout(), "point QUARRY_KERNEL_PYTHON at an interpreter with torch and triton");
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
  }

  /** Why a started worker cannot evaluate (its greeting is not a hello), or null when it can. */
  static String initProblem(WorkerProcess worker) {
    JsonNode greeting = worker.greeting();
    if ("hello".equals(greeting.path("type").asText())) {
      return null;
    }
    return greeting.path("error").asText(greeting.toString());
  }

  static ObjectNode request(String pytorchCode, String tritonCode) {
    ObjectNode request = JSON.createObjectNode();
    request.put("op", "evaluate");
    request.put("pytorch_code", pytorchCode);
    request.put("triton_code", tritonCode);
    return request;
  }

  static KernelEvaluation result(JsonNode reply) {
    JsonNode maxDiff = reply.path("max_diff");
    return new KernelEvaluation(reply.path("correct").asBoolean(false), reply.path("compiled").asBoolean(false),
        reply.path("error").isTextual() ? reply.path("error").asText() : null,
        maxDiff.isNumber() ? maxDiff.asDouble() : null, false);
  }

  static boolean sticky(String error) {
    if (error == null) {
      return false;
    }
    String lower = error.toLowerCase(Locale.ROOT);
    return STICKY.stream().anyMatch(lower::contains);
  }

  static boolean timedOut(PythonWorkerException failure) {
    return failure.kind() == PythonWorkerException.Kind.TIMEOUT;
  }

  private static String script() {
    try (InputStream in = KernelWorkers.class.getResourceAsStream("kernel_eval_worker.py")) {
      if (in == null) {
        throw new IllegalStateException("kernel_eval_worker.py is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }
}
