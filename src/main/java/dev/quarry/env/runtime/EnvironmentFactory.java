package dev.quarry.env.runtime;

import dev.quarry.config.DeviceSettings;
import dev.quarry.config.QuarrySettings;
import dev.quarry.env.DatasetSplits;
import dev.quarry.env.Environment;
import dev.quarry.env.Gsm8kEnvironment;
import dev.quarry.env.KernelBenchItem;
import dev.quarry.env.KernelEvaluator;
import dev.quarry.env.MathAnswerEquivalence;
import dev.quarry.env.MathEnvironment;
import dev.quarry.env.PythonCodeEnvironment;
import dev.quarry.env.SatEnvironment;
import dev.quarry.env.TaskSource;
import dev.quarry.env.TritonKernelEnvironment;
import dev.quarry.env.datasets.DatasetFormatException;
import dev.quarry.env.datasets.DatasetLocations;
import dev.quarry.env.datasets.DatasetMissingException;
import dev.quarry.env.datasets.DatasetStore;
import dev.quarry.env.kernel.KernelWorkerSettings;
import dev.quarry.env.kernel.PersistentKernelEvaluator;
import dev.quarry.env.kernel.SubprocessKernelEvaluator;
import dev.quarry.env.python.PythonSandbox;
import dev.quarry.env.python.PythonWorkerException;
import dev.quarry.env.python.PythonWorkerPool;
import dev.quarry.env.python.PythonWorkerSettings;
import dev.quarry.env.python.SympyEquivalence;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the environment a checkpoint names, as the reference's {@code create_env} does: the
 * {@code env_params} split (default {@code train}; MBPP maps {@code val} to {@code validation} and
 * has no {@code test}; HumanEval always uses {@code test}; KernelBench accepts {@code train},
 * {@code val}, {@code all}), and GPU kernel evaluation when the checkpoint's {@code gpu_eval} or
 * the operator's {@code GRAIL_GPU_EVAL} asks for it (either suffices, as in the reference).
 *
 * <p>Heavy parts start on first use and are shared: datasets are read once, one Python worker
 * pool serves every code environment, a second one (with sympy) serves MATH, and the GPU kernel
 * workers start only for triton_kernel with GPU evaluation. Environments are cached by id, split
 * and GPU flag. Thread-safe; close it to stop the workers.
 *
 * <p>Usage: {@code factory.environment(metadata.envId(), EnvironmentParameters.of(split, gpuEval))};
 * an {@link EnvironmentUnavailableException} says why this machine cannot serve it.
 */
public final class EnvironmentFactory implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EnvironmentFactory.class);

  /** Every environment id the reference's validator registry knows. */
  public static final List<String> ENVIRONMENT_IDS = List.of(SatEnvironment.ID, Gsm8kEnvironment.ID, MathEnvironment.ID,
      PythonCodeEnvironment.MBPP_ID, PythonCodeEnvironment.PYTHON_CODE_ID, PythonCodeEnvironment.HUMANEVAL_ID,
      TritonKernelEnvironment.ID);

  /**
   * What the factory needs.
   *
   * @param datasets where the HF splits are read from
   * @param python how sandbox workers start (the sympy pool derives from it)
   * @param kernels GPU kernel workers, or null when no GPU is configured for kernel evaluation
   * @param kernelBackend {@code persistent} or {@code subprocess}
   * @param gpuEvalByDefault the operator's {@code GRAIL_GPU_EVAL}
   */
  public record Setup(DatasetStore datasets, PythonWorkerSettings python, KernelWorkerSettings kernels, String kernelBackend,
      boolean gpuEvalByDefault) {
    public Setup {
      Objects.requireNonNull(datasets, "datasets");
      Objects.requireNonNull(python, "python");
      Objects.requireNonNull(kernelBackend, "kernelBackend");
    }
  }

  private final Setup setup;
  private final Map<String, Environment> environments = new ConcurrentHashMap<>();
  private PythonWorkerPool sandboxPool;
  private PythonWorkerPool sympyPool;
  private KernelEvaluator kernelEvaluator;
  private volatile boolean closed;

  public EnvironmentFactory(Setup setup) {
    this.setup = Objects.requireNonNull(setup, "setup");
  }

  /** The factory an operator's settings describe. */
  public static EnvironmentFactory fromSettings(QuarrySettings settings) {
    return fromSettings(settings, DatasetLocations.of(settings.environments().datasetDirectory(), settings.paths().huggingFaceHome()));
  }

  /** The factory an operator's settings describe, reading datasets from {@code locations}. */
  public static EnvironmentFactory fromSettings(QuarrySettings settings, DatasetLocations locations) {
    DatasetStore datasets = new DatasetStore(locations);
    PythonWorkerSettings python = PythonWorkerSettings.defaults()
        .withExecutable(settings.environments().python())
        .withWorkers(settings.environments().sandboxWorkers());
    DeviceSettings.KernelEvaluation kernel = settings.devices().kernelEvaluation();
    KernelWorkerSettings kernels = kernel.gpuIds().isEmpty() ? null
        : KernelWorkerSettings.of(settings.environments().kernelPython(), kernel.gpuIds(), kernel.timeout());
    return new EnvironmentFactory(new Setup(datasets, python, kernels, kernel.backend(), kernel.onGpu()));
  }

  public DatasetStore datasets() {
    return setup.datasets();
  }

  /**
   * The environment for a checkpoint's {@code env_id} and {@code env_params}.
   *
   * @throws EnvironmentUnavailableException when the id is unknown, the parameters are ones the
   *     reference rejects, or this machine lacks the dataset, Python or GPU evaluation it needs
   */
  public Environment environment(String environmentId, EnvironmentParameters parameters) {
    if (closed) {
      throw new EnvironmentUnavailableException("the environment factory is closed");
    }
    String split = parameters.splitOrDefault();
    boolean gpu = environmentId.equals(TritonKernelEnvironment.ID) && (parameters.gpuEval() || setup.gpuEvalByDefault());
    String key = environmentId + "|" + split + "|" + gpu;
    Environment cached = environments.get(key);
    if (cached != null) {
      return cached;
    }
    synchronized (this) {
      cached = environments.get(key);
      if (cached == null) {
        cached = build(environmentId, split, gpu);
        environments.put(key, cached);
      }
      return cached;
    }
  }

  private Environment build(String environmentId, String split, boolean gpu) {
    try {
      return switch (environmentId) {
        case SatEnvironment.ID -> new SatEnvironment();
        case Gsm8kEnvironment.ID -> {
          DatasetSplits.Split chosen = DatasetSplits.Split.fromId(split);
          yield new Gsm8kEnvironment(chosen == DatasetSplits.Split.TEST ? setup.datasets().gsm8k("test")
              : DatasetSplits.gsm8k(chosen, setup.datasets().gsm8k("train"), TaskSource.of(List.of())), chosen);
        }
        case MathEnvironment.ID -> {
          DatasetSplits.Split chosen = DatasetSplits.Split.fromId(split);
          yield new MathEnvironment(DatasetSplits.math(chosen,
              chosen == DatasetSplits.Split.TEST ? List.of() : setup.datasets().math("train"),
              chosen == DatasetSplits.Split.TEST ? setup.datasets().math("test") : List.of()),
              chosen, mathEquivalence());
        }
        case PythonCodeEnvironment.MBPP_ID, PythonCodeEnvironment.PYTHON_CODE_ID -> {
          DatasetSplits.Split chosen = mbppSplit(split);
          PythonCodeEnvironment mbpp = PythonCodeEnvironment.mbpp(DatasetSplits.mbpp(chosen, setup.datasets().mbpp("train"),
              setup.datasets().mbpp("validation"), setup.datasets().mbpp("test")), chosen, new PythonSandbox(sandboxPool()));
          yield environmentId.equals(PythonCodeEnvironment.MBPP_ID) ? mbpp : mbpp.withId(PythonCodeEnvironment.PYTHON_CODE_ID);
        }
        case PythonCodeEnvironment.HUMANEVAL_ID ->
            PythonCodeEnvironment.humanEval(setup.datasets().humanEval(), new PythonSandbox(sandboxPool()));
        case TritonKernelEnvironment.ID -> {
          DatasetSplits.Split chosen = kernelSplit(split);
          yield new TritonKernelEnvironment(DatasetSplits.kernelBench(chosen, setup.datasets().kernelBench(), KernelBenchItem::level),
              chosen, new PythonSandbox(sandboxPool()), gpu ? kernelEvaluator() : null);
        }
        default -> throw new EnvironmentUnavailableException("unknown environment '" + environmentId + "'; Grail's validators know "
            + ENVIRONMENT_IDS);
      };
    } catch (DatasetMissingException | DatasetFormatException dataset) {
      throw new EnvironmentUnavailableException("cannot serve " + environmentId + ": " + dataset.getMessage(), dataset);
    } catch (PythonWorkerException python) {
      throw new EnvironmentUnavailableException("cannot serve " + environmentId + ": " + python.getMessage(), python);
    } catch (IllegalArgumentException rejected) {
      throw new EnvironmentUnavailableException("cannot serve " + environmentId + " with split '" + split + "': "
          + rejected.getMessage(), rejected);
    }
  }

  /** {@code create_env}'s MBPP rule: "val" means "validation"; "test" does not exist. */
  private static DatasetSplits.Split mbppSplit(String split) {
    return switch (split) {
      case "train" -> DatasetSplits.Split.TRAIN;
      case "val", "validation" -> DatasetSplits.Split.VAL;
      case "test" -> throw new IllegalArgumentException(DatasetSplits.MBPP_TEST_SPLIT_MESSAGE);
      default -> throw new IllegalArgumentException("MBPP split must be 'train' or 'validation', got '" + split + "'");
    };
  }

  private static DatasetSplits.Split kernelSplit(String split) {
    return switch (split) {
      case "train" -> DatasetSplits.Split.TRAIN;
      case "val" -> DatasetSplits.Split.VAL;
      case "all" -> DatasetSplits.Split.ALL;
      default -> throw new IllegalArgumentException("split must be 'train', 'val', or 'all', got '" + split + "'");
    };
  }

  private synchronized PythonWorkerPool sandboxPool() {
    if (sandboxPool == null) {
      sandboxPool = PythonWorkerPool.start(setup.python());
    }
    return sandboxPool;
  }

  /** The reference's MATH comparison with the sympy step; without a usable Python, without it (and said so). */
  private MathAnswerEquivalence mathEquivalence() {
    try {
      return MathAnswerEquivalence.reference(new SympyEquivalence(sympyPool()));
    } catch (PythonWorkerException noPython) {
      LOG.warn("MATH answers are compared without sympy because no Python worker starts ({}). Rewards will differ from "
          + "validators' where only sympy can equate two answers.", noPython.getMessage());
      return MathAnswerEquivalence.withoutSymbolic();
    }
  }

  private synchronized PythonWorkerPool sympyPool() {
    if (sympyPool == null) {
      sympyPool = PythonWorkerPool.start(setup.python().withPreloadSympy(true).withWorkers(Math.min(2, setup.python().workers())));
    }
    return sympyPool;
  }

  private synchronized KernelEvaluator kernelEvaluator() {
    if (kernelEvaluator == null) {
      if (setup.kernels() == null) {
        throw new EnvironmentUnavailableException("triton_kernel asks for GPU evaluation (the checkpoint's gpu_eval or "
            + "GRAIL_GPU_EVAL) but no GPU is configured for it: set KERNEL_EVAL_GPU_IDS (and QUARRY_KERNEL_PYTHON to a Python "
            + "with torch and triton). Without it this miner's rewards would be capped at 0.35 where validators' are not.");
      }
      kernelEvaluator = setup.kernelBackend().equals("subprocess")
          ? new SubprocessKernelEvaluator(setup.kernels())
          : PersistentKernelEvaluator.start(setup.kernels());
    }
    return kernelEvaluator;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (sandboxPool != null) {
      sandboxPool.close();
    }
    if (sympyPool != null) {
      sympyPool.close();
    }
    if (kernelEvaluator instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // Closing kernel workers only kills processes; nothing to report.
      }
    }
  }
}
