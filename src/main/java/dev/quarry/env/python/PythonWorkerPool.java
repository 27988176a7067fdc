package dev.quarry.env.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of persistent Python worker processes, so a window's code runs do not pay for
 * interpreter start-up. Each worker serves one request at a time and runs it in a forked child
 * with limits; a worker that dies or stops answering is killed (with everything it started) and
 * replaced, and the caller gets a {@link PythonWorkerException}. Thread-safe.
 *
 * <p>Workers get a scrubbed environment (PATH, HOME, locale and Python-installation variables
 * only), so secrets in the miner's environment never reach code the model wrote.
 */
public final class PythonWorkerPool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PythonWorkerPool.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCRIPT_RESOURCE = "sandbox_worker.py";
  private static final List<String> PASSED_ENVIRONMENT = List.of(
      "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYENV_ROOT", "PYENV_VERSION", "VIRTUAL_ENV", "CONDA_PREFIX");
  private static final Duration BORROW_WAIT = Duration.ofMinutes(10);

  /** A place for one worker; empty after a failure until the next borrower starts a new one. */
  private static final class Slot {
    WorkerProcess worker;
  }

  private final PythonWorkerSettings settings;
  private final List<String> command;
  private final Map<String, String> environment;
  private final BlockingQueue<Slot> idle;
  private final List<Slot> slots = new ArrayList<>();
  private final PythonWorkerInfo info;
  private final AtomicInteger replaced = new AtomicInteger();
  private volatile boolean closed;

  private PythonWorkerPool(PythonWorkerSettings settings) {
    this.settings = settings;
    this.command = command(settings);
    this.environment = environment();
    this.idle = new ArrayBlockingQueue<>(settings.workers());
    List<CompletableFuture<WorkerProcess>> starting = new ArrayList<>();
    for (int i = 0; i < settings.workers(); i++) {
      starting.add(CompletableFuture.supplyAsync(this::startWorker));
    }
    List<WorkerProcess> started = new ArrayList<>();
    PythonWorkerException failure = null;
    for (CompletableFuture<WorkerProcess> future : starting) {
      try {
        started.add(future.join());
      } catch (CompletionException failed) {
        failure = failed.getCause() instanceof PythonWorkerException problem
            ? problem : new PythonWorkerException(PythonWorkerException.Kind.START, "a Python worker failed to start", failed.getCause());
      }
    }
    if (failure != null) {
      started.forEach(WorkerProcess::kill);
      throw failure;
    }
    for (WorkerProcess worker : started) {
      Slot slot = new Slot();
      slot.worker = worker;
      slots.add(slot);
      idle.add(slot);
    }
    this.info = info(started.get(0).greeting());
    LOG.info("Python workers ready: {} x {} (python {}, network isolated: {}, syscall filter: {}, runs as uid {}, "
        + "memory limit {} MiB{})", settings.workers(), settings.executable(), info.pythonVersion(), info.networkIsolated(),
        info.syscallFilter(), info.uid(), info.memoryLimitBytes() >> 20,
        settings.preloadSympy() ? ", sympy " + info.sympyVersion() : "");
    if (!info.meetsReferencePython()) {
      LOG.warn("{} is Python {}; Grail's validators run CPython 3.12, and code using 3.12-only syntax will compile "
          + "differently here (set QUARRY_PYTHON to a 3.12 interpreter)", settings.executable(), info.pythonVersion());
    }
  }

  /**
   * Starts the workers.
   *
   * @throws PythonWorkerException when the interpreter is missing or a worker fails to start; the
   *     message says what to install or set
   */
  public static PythonWorkerPool start(PythonWorkerSettings settings) {
    return new PythonWorkerPool(settings);
  }

  public PythonWorkerSettings settings() {
    return settings;
  }

  /** What the workers reported at start-up. */
  public PythonWorkerInfo info() {
    return info;
  }

  /** Workers killed and replaced since start (crashes, hangs). */
  public int replacedWorkers() {
    return replaced.get();
  }

  /** The process ids of the running workers (for diagnostics and tests). */
  public List<Long> workerPids() {
    synchronized (slots) {
      return slots.stream().filter(slot -> slot.worker != null).map(slot -> slot.worker.pid()).toList();
    }
  }

  /**
   * Sends a request to an idle worker and returns its reply.
   *
   * @throws PythonWorkerException when the worker failed (it has been killed; the next call gets a new one)
   */
  JsonNode call(ObjectNode request, Duration wait) {
    Slot slot = borrow();
    try {
      if (slot.worker == null || !slot.worker.alive()) {
        if (slot.worker != null) {
          slot.worker.kill();
          replaced.incrementAndGet();
        }
        slot.worker = null;
        slot.worker = startWorker();
      }
      try {
        return slot.worker.call(request, wait);
      } catch (PythonWorkerException failed) {
        LOG.warn("replacing Python worker pid {}: {}", slot.worker.pid(), failed.getMessage());
        slot.worker.kill();
        slot.worker = null;
        replaced.incrementAndGet();
        throw failed;
      }
    } finally {
      idle.add(slot);
    }
  }

  private Slot borrow() {
    if (closed) {
      throw new PythonWorkerException(PythonWorkerException.Kind.OTHER, "the Python worker pool is closed");
    }
    try {
      Slot slot = idle.poll(BORROW_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (slot == null) {
        throw new PythonWorkerException(PythonWorkerException.Kind.TIMEOUT,
            "no Python worker became free within " + BORROW_WAIT.toMinutes() + " minutes");
      }
      return slot;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new PythonWorkerException(PythonWorkerException.Kind.OTHER, "interrupted while waiting for a Python worker", interrupted);
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (slots) {
      for (Slot slot : slots) {
        if (slot.worker != null) {
          slot.worker.close();
        }
      }
    }
  }

  ObjectNode request(String op) {
    ObjectNode request = JSON.createObjectNode();
    request.put("op", op);
    return request;
  }

  private WorkerProcess startWorker() {
    WorkerProcess worker = WorkerProcess.start(command, environment, settings.startupTimeout(),
        "install python3 (CPython 3.12 matches Grail's validators) or point QUARRY_PYTHON at one");
    if (!"hello".equals(worker.greeting().path("type").asText())) {
      worker.kill();
      throw new PythonWorkerException(PythonWorkerException.Kind.START,
          "the Python worker (" + settings.executable() + ") did not start: it sent " + worker.greeting());
    }
    return worker;
  }

  private static PythonWorkerInfo info(JsonNode hello) {
    return new PythonWorkerInfo(
        hello.path("python").asText(),
        hello.path("sympy").isTextual() ? hello.path("sympy").asText() : null,
        hello.path("sympy_error").isTextual() ? hello.path("sympy_error").asText() : null,
        hello.path("network_isolated").asBoolean(false),
        hello.path("network_note").asText(""),
        hello.path("privileges_dropped").asBoolean(false),
        hello.path("uid").asInt(-1),
        hello.path("syscall_filter").asBoolean(false),
        hello.path("memory_limit_bytes").asLong(0),
        hello.path("recursion_delta").asInt(0));
  }

  private static List<String> command(PythonWorkerSettings settings) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("memory_limit_bytes", settings.memoryLimitBytes());
    config.put("file_size_limit_bytes", settings.fileSizeLimitBytes());
    config.put("isolate_network", settings.isolateNetwork());
    config.put("drop_privileges", settings.dropPrivileges() ? "auto" : "never");
    config.put("syscall_filter", settings.syscallFilter());
    config.put("preload_sympy", settings.preloadSympy());
    config.put("reference_recursion_depth", PythonWorkerSettings.REFERENCE_RECURSION_DEPTH);
    try {
      // -E: ignore PYTHON* variables (PYTHONPATH could inject modules); the script travels with -c.
      return List.of(settings.executable(), "-E", "-c", script(), JSON.writeValueAsString(config));
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
  }

  private static String script() {
    try (InputStream in = PythonWorkerPool.class.getResourceAsStream(SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the Python worker script " + SCRIPT_RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }

  private static Map<String, String> environment() {
    Map<String, String> passed = new LinkedHashMap<>();
    for (String name : PASSED_ENVIRONMENT) {
      String value = System.getenv(name);
      if (value != null) {
        passed.put(name, value);
      }
    }
    passed.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    passed.put("CUDA_VISIBLE_DEVICES", "");
    return passed;
  }
}
