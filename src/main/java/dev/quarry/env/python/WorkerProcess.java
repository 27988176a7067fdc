package dev.quarry.env.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A worker process that speaks newline-delimited JSON: its first line is a greeting, then one
 * reply per request, matched by {@code id}. Used by one caller at a time; {@link #kill()} ends it
 * and everything it started. The Python sandbox workers and the GPU kernel workers are both such
 * processes.
 */
public final class WorkerProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String END_OF_STREAM = "\u0000eof";
  private static final int STDERR_LINES_KEPT = 20;

  private final Process process;
  private final OutputStream requests;
  private final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final JsonNode greeting;
  private long nextId;

  private WorkerProcess(Process process, Duration startupTimeout, String executable) {
    this.process = process;
    this.requests = process.getOutputStream();
    pump(process.getInputStream(), "out", line -> replies.add(line), () -> replies.add(END_OF_STREAM));
    pump(process.getErrorStream(), "err", this::keepStderr, () -> { });
    JsonNode first = await(startupTimeout, null);
    if (first == null) {
      String reason = describeExit(executable);
      kill();
      throw new PythonWorkerException(PythonWorkerException.Kind.START, "the worker (" + executable + ") did not start: " + reason);
    }
    this.greeting = first;
  }

  /**
   * Starts a worker and waits for its greeting.
   *
   * @param command the command line; the first element is the interpreter
   * @param environment the complete environment of the process
   * @param hint what to do when the interpreter is missing, e.g. "install python3 or set QUARRY_PYTHON"
   * @throws PythonWorkerException ({@link PythonWorkerException.Kind#START}) when it cannot be
   *     started or says nothing within {@code startupTimeout}
   */
  public static WorkerProcess start(List<String> command, Map<String, String> environment, Duration startupTimeout, String hint) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException cannotStart) {
      throw new PythonWorkerException(PythonWorkerException.Kind.START,
          "cannot start the interpreter '" + command.get(0) + "' (" + cannotStart.getMessage() + "); " + hint, cannotStart);
    }
    return new WorkerProcess(process, startupTimeout, command.get(0));
  }

  /** The first line the worker wrote. */
  public JsonNode greeting() {
    return greeting;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /**
   * Sends one request and waits for its reply.
   *
   * @throws PythonWorkerException when the worker dies, writes something unreadable or does not
   *     answer within {@code wait}; the caller must then {@link #kill()} it
   */
  public JsonNode call(ObjectNode request, Duration wait) {
    long id = ++nextId;
    request.put("id", id);
    try {
      requests.write(JSON.writeValueAsBytes(request));
      requests.write('\n');
      requests.flush();
    } catch (IOException broken) {
      throw new PythonWorkerException(PythonWorkerException.Kind.DIED,
          "the worker (pid " + pid() + ") stopped reading requests: " + describeExit(null), broken);
    }
    JsonNode reply = await(wait, id);
    if (reply == null) {
      if (alive()) {
        throw new PythonWorkerException(PythonWorkerException.Kind.TIMEOUT,
            "the worker (pid " + pid() + ") did not answer within " + wait.toSeconds() + " s");
      }
      throw new PythonWorkerException(PythonWorkerException.Kind.DIED,
          "the worker (pid " + pid() + ") died: " + describeExit(null));
    }
    return reply;
  }

  private JsonNode await(Duration wait, Long id) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return null;
      }
      String line;
      try {
        line = replies.poll(remaining, TimeUnit.NANOSECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new PythonWorkerException(PythonWorkerException.Kind.OTHER, "interrupted while waiting for a worker", interrupted);
      }
      if (line == null) {
        return null;
      }
      if (line.equals(END_OF_STREAM)) {
        replies.add(END_OF_STREAM);
        waitBriefly();
        return null;
      }
      JsonNode reply;
      try {
        reply = JSON.readTree(line);
      } catch (IOException garbage) {
        throw new PythonWorkerException(PythonWorkerException.Kind.OTHER,
            "the worker (pid " + pid() + ") wrote an unreadable reply", garbage);
      }
      if (id == null || reply.path("id").asLong(-1) == id) {
        return reply;
      }
      // A reply to an earlier request the caller gave up on: skip it.
    }
  }

  /** Kills the worker and every process it started. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        requests.write("{\"op\":\"shutdown\"}\n".getBytes(StandardCharsets.US_ASCII));
        requests.flush();
        process.waitFor(2, TimeUnit.SECONDS);
      } catch (IOException | InterruptedException ignored) {
        if (ignored instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
    kill();
  }

  private void waitBriefly() {
    try {
      process.waitFor(1, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private String describeExit(String executable) {
    waitBriefly();
    StringBuilder text = new StringBuilder();
    if (process.isAlive()) {
      text.append("it is still running but silent");
    } else {
      text.append("it exited with status ").append(process.exitValue());
    }
    String tail;
    synchronized (stderrTail) {
      tail = String.join("\n", stderrTail);
    }
    if (!tail.isBlank()) {
      text.append("; its last error output:\n").append(tail);
    }
    if (executable != null && !process.isAlive() && tail.isBlank()) {
      text.append(" (is '").append(executable).append("' a Python 3 interpreter?)");
    }
    return text.toString();
  }

  private void keepStderr(String line) {
    synchronized (stderrTail) {
      stderrTail.addLast(line);
      while (stderrTail.size() > STDERR_LINES_KEPT) {
        stderrTail.removeFirst();
      }
    }
  }

  private void pump(InputStream stream, String name, java.util.function.Consumer<String> sink, Runnable atEnd) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          sink.accept(line);
        }
      } catch (IOException closed) {
        // The process went away; atEnd reports it.
      } finally {
        atEnd.run();
      }
    }, "python-worker-" + process.pid() + "-" + name);
    thread.setDaemon(true);
    thread.start();
  }
}
