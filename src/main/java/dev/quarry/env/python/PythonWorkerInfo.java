package dev.quarry.env.python;

/**
 * What a worker reported when it started: the interpreter and the containment in force.
 *
 * @param pythonVersion e.g. {@code "3.12.1"}
 * @param sympyVersion the importable sympy's version, or null (not requested or not installed)
 * @param sympyProblem why sympy could not be imported, or null
 * @param networkIsolated the worker runs in a network namespace without interfaces
 * @param networkNote how isolation was achieved, or why not
 * @param privilegesDropped requests run as {@code nobody} although the worker was started as root
 * @param uid the uid requests run as
 * @param syscallFilter a seccomp filter stops requests from creating processes, executing
 *     programs, opening sockets and signalling other processes
 * @param memoryLimitBytes the address-space limit of each request (0: none)
 * @param recursionDelta how far the recursion limit was shifted to match the reference pool
 */
public record PythonWorkerInfo(
    String pythonVersion,
    String sympyVersion,
    String sympyProblem,
    boolean networkIsolated,
    String networkNote,
    boolean privilegesDropped,
    int uid,
    boolean syscallFilter,
    long memoryLimitBytes,
    int recursionDelta) {

  /** Whether the interpreter is CPython 3.12 or newer, as the reference requires. */
  public boolean meetsReferencePython() {
    String[] parts = pythonVersion.split("\\.");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = Integer.parseInt(parts[1]);
      return major > 3 || (major == 3 && minor >= 12);
    } catch (RuntimeException unparsable) {
      return false;
    }
  }

  /** {@code major.minor}, e.g. {@code "3.11"}. */
  public String minorVersion() {
    String[] parts = pythonVersion.split("\\.");
    return parts.length >= 2 ? parts[0] + "." + parts[1] : pythonVersion;
  }
}
