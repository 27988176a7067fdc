package dev.quarry.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator's variables: a {@code .env} file merged with the process environment. This is the
 * only place Quarry reads either; everything else receives typed records from {@link
 * QuarrySettings}.
 *
 * <p><b>Precedence: the process environment wins over {@code .env}.</b> That is the convention of
 * containers, systemd units and Kubernetes secrets, and python-dotenv's own default. Grail differs:
 * it calls {@code load_dotenv(override=True)}, so there the file wins. When a variable is set in
 * both places with different values, {@link #shadowedByProcess()} names it so the launcher can warn
 * (by name only: values may be secrets).
 */
public final class OperatorEnvironment {

  private final Map<String, String> values;
  private final Map<String, String> origins;
  private final Set<String> declaredInFile;
  private final List<String> shadowedByProcess;
  private final Path dotenvFile;

  private OperatorEnvironment(
      Map<String, String> values,
      Map<String, String> origins,
      Set<String> declaredInFile,
      List<String> shadowedByProcess,
      Path dotenvFile) {
    this.values = Collections.unmodifiableMap(values);
    this.origins = Collections.unmodifiableMap(origins);
    this.declaredInFile = Collections.unmodifiableSet(declaredInFile);
    this.shadowedByProcess = List.copyOf(shadowedByProcess);
    this.dotenvFile = dotenvFile;
  }

  /**
   * Loads {@code dotenvFile} (UTF-8, python-dotenv syntax) and merges {@code processEnvironment} over
   * it. A missing file is fine unless {@code required}; a file with a statement that cannot be
   * parsed is a {@link ConfigurationError} naming each bad line.
   */
  public static OperatorEnvironment load(Path dotenvFile, boolean required, Map<String, String> processEnvironment) {
    String text;
    try {
      text = decodeUtf8(Files.readAllBytes(dotenvFile));
    } catch (NoSuchFileException missing) {
      if (required) {
        throw new ConfigurationError(
            dotenvFile.toString(), "file not found; create it with `quarry init` or pass the right --env-file");
      }
      return fromProcess(processEnvironment);
    } catch (CharacterCodingException notUtf8) {
      throw new ConfigurationError(dotenvFile.toString(), "is not UTF-8 text; save it as UTF-8");
    } catch (IOException unreadable) {
      throw new ConfigurationError(
          dotenvFile.toString(), "cannot be read (" + unreadable.getClass().getSimpleName() + "); check its permissions");
    }
    DotEnvFile file = DotEnvFile.parse(text);
    if (!file.problems().isEmpty()) {
      List<ConfigurationError.Problem> problems = new ArrayList<>();
      for (DotEnvFile.Problem problem : file.problems()) {
        problems.add(new ConfigurationError.Problem(
            dotenvFile + " line " + problem.line(),
            (problem.key() == null ? "" : problem.key() + ": ") + problem.reason()));
      }
      throw new ConfigurationError(problems);
    }
    Map<String, String> fromFile = file.resolve(processEnvironment);
    Map<String, String> merged = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    Set<String> declared = new TreeSet<>();
    String fileName = dotenvFile.getFileName() == null ? dotenvFile.toString() : dotenvFile.getFileName().toString();
    fromFile.forEach((key, value) -> {
      if (value != null) {
        merged.put(key, value);
        origins.put(key, fileName + " line " + file.lineOf(key));
        declared.add(key);
      }
    });
    List<String> shadowed = new ArrayList<>();
    processEnvironment.forEach((key, value) -> {
      if (merged.containsKey(key) && !merged.get(key).equals(value)) {
        shadowed.add(key);
      }
      merged.put(key, value);
      origins.put(key, "environment");
    });
    Collections.sort(shadowed);
    return new OperatorEnvironment(merged, origins, declared, shadowed, dotenvFile);
  }

  /** Only the process environment (no {@code .env} file). */
  public static OperatorEnvironment fromProcess(Map<String, String> processEnvironment) {
    Map<String, String> origins = new LinkedHashMap<>();
    processEnvironment.keySet().forEach(key -> origins.put(key, "environment"));
    return new OperatorEnvironment(
        new LinkedHashMap<>(processEnvironment), origins, Set.of(), List.of(), null);
  }

  /** Fixed values, for tests and for checking answers before they are written. */
  public static OperatorEnvironment of(Map<String, String> values) {
    Map<String, String> origins = new LinkedHashMap<>();
    values.keySet().forEach(key -> origins.put(key, "given"));
    return new OperatorEnvironment(new LinkedHashMap<>(values), origins, new TreeSet<>(values.keySet()), List.of(), null);
  }

  /** The value of {@code name}, if set (an empty value counts as set; settings treat it as unset). */
  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** Where the value came from: {@code "environment"} or {@code ".env line 12"}. */
  public String originOf(String name) {
    return origins.getOrDefault(name, "not set");
  }

  /** Every variable name, from the file and the process environment. */
  public Set<String> names() {
    return values.keySet();
  }

  /** Names declared in the {@code .env} file. */
  public Set<String> declaredInFile() {
    return declaredInFile;
  }

  /** Names set in both the file and the process environment with different values. */
  public List<String> shadowedByProcess() {
    return shadowedByProcess;
  }

  public Optional<Path> dotenvFile() {
    return Optional.ofNullable(dotenvFile);
  }

  private static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  @Override
  public String toString() {
    // Names only: values may be secrets.
    return "OperatorEnvironment[" + values.size() + " variables, .env=" + dotenvFile + "]";
  }
}
