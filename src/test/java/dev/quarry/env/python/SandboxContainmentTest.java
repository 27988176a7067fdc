package dev.quarry.env.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.env.CodeRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile code beyond what the reference vectors can show safely: code that escapes the
 * Python-level restrictions (through {@code object.__subclasses__()} to the {@code os} module's
 * globals) and tries to fork-bomb, exhaust memory, write files, open sockets, run programs or kill
 * its worker. Each attempt fails inside the run, the test scores as failed, and the worker survives.
 */
class SandboxContainmentTest {

  /** Reaches the real posix module and builtins the way escaping code does. */
  private static final String ESCAPE = String.join("\n",
      "W = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]",
      "G = W.__init__.__globals__",
      "S = G['sys'].modules['posix']",
      "B = G['__builtins__']",
      "");

  private static PythonWorkerPool pool;
  private static PythonSandbox sandbox;

  @BeforeAll
  static void start() {
    pool = TestPools.sandbox();
    sandbox = new PythonSandbox(pool);
  }

  /** Escaping code is stopped by the syscall filter, or (for a non-root worker) by the kernel's own limits. */
  private static void assumeContained(String why) {
    PythonWorkerInfo info = pool.info();
    Assumptions.assumeTrue(info.syscallFilter() || (why.equals("fork") && info.uid() != 0) || (why.equals("network") && info.networkIsolated()),
        () -> "neither the seccomp filter nor an unprivileged user contains escaping code for '" + why + "' on this machine "
            + "(root, no seccomp); not running it");
  }

  private static CodeRun run(String code, String... tests) {
    return sandbox.run(code, List.of(tests), Duration.ofSeconds(2));
  }

  private static void assertFailsWith(CodeRun run, Set<String> errorTypes) {
    assertThat(run.passed()).isZero();
    assertThat(run.tests()).isNotEmpty();
    for (CodeRun.TestOutcome test : run.tests()) {
      assertThat(test.passed()).isFalse();
      assertThat(test.error().split(":", 2)[0]).as(test.error()).isIn(errorTypes);
    }
  }

  private static long descendantsOfWorkers() {
    return pool.workerPids().stream()
        .flatMap(pid -> ProcessHandle.of(pid).stream())
        .mapToLong(handle -> handle.descendants().count())
        .sum();
  }

  @Test
  void forkBombThroughAnEscapeIsRefusedAndLeavesNoProcesses() {
    assumeContained("fork");
    List<Long> before = pool.workerPids();
    CodeRun run = run(ESCAPE + "def bomb():\n    while True:\n        S.fork()\n", "bomb()");
    // seccomp refuses fork (PermissionError); without the filter, RLIMIT_NPROC does (BlockingIOError).
    assertFailsWith(run, Set.of("PermissionError", "BlockingIOError"));
    assertThat(pool.workerPids()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(descendantsOfWorkers()).isZero();
  }

  @Test
  void growingMemoryHitsTheAddressSpaceLimit() {
    CodeRun run = run("HOARD = []\ndef grow():\n    while True:\n        HOARD.append(bytearray(10 ** 7))\n", "grow()");
    assertFailsWith(run, Set.of("MemoryError"));
    assertThat(run("def f():\n    return 1", "assert f() == 1").passed()).isEqualTo(1);
  }

  @Test
  void fileWritesAndRemovalsAreRefused() throws IOException {
    assumeContained("files");
    java.nio.file.Path target = java.nio.file.Files.createTempDirectory("quarry-escape").resolve("written");
    String path = target.toString().replace("\\", "\\\\");
    CodeRun run = run(ESCAPE,
        "S.close(S.open('" + path + "', S.O_WRONLY | S.O_CREAT))",
        "B['open']('" + path + "', 'w').write('x')",
        "S.mkdir('" + path + "-dir')",
        "S.unlink('" + path + "')");
    assertFailsWith(run, Set.of("PermissionError", "FileNotFoundError"));
    assertThat(target).doesNotExist();
    assertThat(java.nio.file.Path.of(path + "-dir")).doesNotExist();
  }

  @Test
  void networkConnectionsNeverLeaveTheSandbox() throws IOException {
    assumeContained("network");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(300);
      CodeRun run = run(ESCAPE,
          "B['__import__']('socket').create_connection(('127.0.0.1', " + server.getLocalPort() + "), timeout=1)");
      // seccomp refuses socket(); in a network namespace without the filter, loopback is down.
      assertFailsWith(run, Set.of("PermissionError", "OSError", "ConnectionRefusedError", "TimeoutError"));
      assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void programsCannotBeStartedNorTheWorkerKilled() {
    assumeContained("programs");
    List<Long> before = pool.workerPids();
    CodeRun run = run(ESCAPE, "S.execv('/bin/sh', ['sh', '-c', 'true'])", "S.kill(S.getppid(), 9)",
        "S.kill(" + ProcessHandle.current().pid() + ", 9)");
    assertFailsWith(run, Set.of("PermissionError", "ProcessLookupError"));
    assertThat(pool.workerPids()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(pool.replacedWorkers()).isZero();
  }

  @Test
  void codeThatSwallowsEveryAlarmIsAbandonedAtTheExecutorDeadline() {
    // The reference's executor gives up after timeout × tests + 30 s (2 s of grace here) and keeps
    // nothing of the run, not even the test that passed first.
    CodeRun run = sandbox.run("def spin():\n    while True:\n        try:\n            while True:\n                pass\n"
        + "        except Exception:\n            pass\n", List.of("assert True", "spin()"), Duration.ofSeconds(1));
    assertThat(run.status()).isEqualTo(CodeRun.Status.TIMEOUT);
    assertThat(run.passed()).isZero();
    assertThat(run.total()).isEqualTo(2);
    assertThat(run.tests()).isEmpty();
    assertThat(descendantsOfWorkers()).isZero();
  }

  @Test
  void workersSeeOnlyAScrubbedEnvironment() {
    CodeRun run = run(ESCAPE, "assert False, ','.join(sorted(G['environ'].keys()))");
    Set<String> seen = Set.of(run.tests().get(0).error().split(":", 2)[1].trim().split(","));
    Set<String> passedOn = Set.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYENV_ROOT", "PYENV_VERSION",
        "VIRTUAL_ENV", "CONDA_PREFIX");
    // A shell launcher (pyenv's shim) sets PWD, OLDPWD, SHLVL and _ itself. Whatever else the JVM has
    // (JAVA_HOME, MAVEN_*, a miner's R2_* or HF_TOKEN) must not get through.
    Set<String> shell = Set.of("PWD", "OLDPWD", "SHLVL", "_");
    List<String> leaked = System.getenv().keySet().stream()
        .filter(name -> !passedOn.contains(name) && !shell.contains(name)).filter(seen::contains).toList();
    assertThat(leaked).isEmpty();
    assertThat(seen).contains("CUDA_VISIBLE_DEVICES");
  }

  @Test
  void aStuckWorkerIsKilledFromJavaAndReplaced() throws Exception {
    try (PythonWorkerPool own = PythonWorkerPool.start(TestPools.settings().withWorkers(1))) {
      long pid = own.workerPids().get(0);
      Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
      assertThat(stop.waitFor(10, TimeUnit.SECONDS) && stop.exitValue() == 0).isTrue();
      ObjectNode ping = own.request("ping");
      assertThatThrownBy(() -> own.call(ping, Duration.ofMillis(500)))
          .isInstanceOfSatisfying(PythonWorkerException.class, e -> assertThat(e.kind()).isEqualTo(PythonWorkerException.Kind.TIMEOUT));
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      JsonNode reply = own.call(own.request("ping"), Duration.ofSeconds(30));
      assertThat(reply.path("ok").asBoolean()).isTrue();
      assertThat(own.replacedWorkers()).isEqualTo(1);
      assertThat(own.workerPids()).doesNotContain(pid);
    }
  }

  @Test
  void aCrashedWorkerIsReplacedOnTheNextRequest() throws Exception {
    try (PythonWorkerPool own = PythonWorkerPool.start(TestPools.settings().withWorkers(1))) {
      long pid = own.workerPids().get(0);
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      ProcessHandle.of(pid).ifPresent(handle -> handle.onExit().join());
      CodeRun run = new PythonSandbox(own).run("def f():\n    return 2", List.of("assert f() == 2"), Duration.ofSeconds(2));
      assertThat(run.passed()).isEqualTo(1);
      assertThat(own.replacedWorkers()).isEqualTo(1);
    }
  }

  @Test
  void withoutTheSyscallFilterCodeThatKillsItsWorkerScoresAsAProcessError() {
    // The reference's pool breaks the same way (BrokenProcessPool) and reports a process error.
    try (PythonWorkerPool own = PythonWorkerPool.start(TestPools.settings().withWorkers(1).withSyscallFilter(false))) {
      assertThat(own.info().syscallFilter()).isFalse();
      CodeRun run = new PythonSandbox(own).run(ESCAPE + "S.kill(S.getppid(), 9)\n", List.of("assert True", "assert True"),
          Duration.ofSeconds(2));
      if (own.info().privilegesDropped()) {
        // As nobody the child may not signal a root-owned worker: the kill fails and the tests fail.
        assertThat(run.passed()).isZero();
      } else {
        assertThat(run.status()).isEqualTo(CodeRun.Status.PROCESS_ERROR);
        assertThat(run.passed()).isZero();
        assertThat(run.total()).isEqualTo(2);
        assertThat(own.replacedWorkers()).isEqualTo(3);
      }
    }
  }

  @Test
  void aMissingInterpreterIsAClearError() {
    assertThatThrownBy(() -> PythonWorkerPool.start(TestPools.settings().withExecutable("/nonexistent/python3").withWorkers(1)))
        .isInstanceOfSatisfying(PythonWorkerException.class, e -> {
          assertThat(e.kind()).isEqualTo(PythonWorkerException.Kind.START);
          assertThat(e.getMessage()).contains("/nonexistent/python3").contains("QUARRY_PYTHON");
        });
  }

  @Test
  void theHelloDescribesTheContainment() {
    PythonWorkerInfo info = pool.info();
    assertThat(info.pythonVersion()).matches("3\\.\\d+\\.\\d+.*");
    assertThat(info.memoryLimitBytes()).isEqualTo(512L << 20);
    assertThat(info.recursionDelta()).isBetween(-100, 100);
  }
}
