package dev.quarry.cli;

import dev.quarry.config.ConfigurationError;
import dev.quarry.config.DotEnvFile;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.config.Secret;
import dev.quarry.config.Variable;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quarry init}: asks for the settings a miner needs and writes them to {@code .env} with
 * mode 600. Every answer is checked with the same rules {@code quarry mine} applies, and asked
 * again when wrong. Secrets are read without echo when there is a terminal. An existing file is
 * only replaced with {@code --force}, and then kept as a timestamped backup.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create a .env file interactively: network, wallet, R2 bucket and keys, drand, management port.",
      "Blank answers keep the default. Secrets are not echoed. The file is written with mode 600."
    })
public final class InitCommand implements Callable<Integer> {

  private static final int ATTEMPTS_PER_QUESTION = 5;

  @Mixin Verbosity verbosity;

  @Spec CommandSpec spec;

  @Option(names = "--env-file", defaultValue = ".env", description = "File to write (default: ${DEFAULT-VALUE}).")
  Path envFile;

  @Option(names = "--force", description = "Replace an existing file (the old one is kept as <file>.bak-<time>).")
  boolean force;

  /** Where questions are asked; a console when there is one, else stdin/stdout. */
  interface Terminal {
    /** One line, or null at end of input. */
    String readLine(String prompt);

    /** One line without echo where possible, or null at end of input. */
    String readSecret(String prompt);

    void println(String line);
  }

  private final Terminal injected;

  public InitCommand() {
    this(null);
  }

  InitCommand(Terminal terminal) {
    this.injected = terminal;
  }

  @Override
  public Integer call() {
    Terminal terminal = injected != null ? injected : systemTerminal(spec.commandLine().getOut());
    Path target = envFile.toAbsolutePath().normalize();
    if (Files.exists(target) && !force) {
      throw new UserError(target + " already exists; run `quarry init --force` to replace it (the old file is kept as a backup)");
    }
    terminal.println("Quarry setup: writes " + target);
    terminal.println("Press Enter to keep the [default]. Run again with --force to start over.");
    Map<String, String> answers = ask(terminal);
    try {
      QuarrySettings.from(OperatorEnvironment.of(answers));
    } catch (ConfigurationError problems) {
      throw new UserError("the answers do not make a valid configuration, nothing was written:\n" + problems.getMessage());
    }
    Optional<Path> backup = write(target, answers);
    PrintWriter out = spec.commandLine().getOut();
    out.println();
    out.println("Wrote " + target + " (" + answers.size() + " settings, readable only by you).");
    backup.ifPresent(path -> out.println("The previous file is kept as " + path));
    for (Map.Entry<String, String> answer : answers.entrySet()) {
      boolean secret = Variable.named(answer.getKey()).map(Variable::secret).orElse(false);
      out.println("  " + answer.getKey() + "=" + (secret ? Secret.REDACTED : answer.getValue()));
    }
    out.println("Everything else keeps its default; .env.example documents every variable.");
    out.flush();
    return 0;
  }

  private Map<String, String> ask(Terminal terminal) {
    Map<String, String> answers = new LinkedHashMap<>();
    Questions questions = new Questions(terminal, answers);
    terminal.println("");
    terminal.println("== Chain and wallet");
    questions.ask(Variable.BT_NETWORK, "Network (finney, test, local, archive)", "finney", false);
    questions.ask(Variable.BT_CHAIN_ENDPOINT, "Custom chain endpoint, ws:// or wss:// (blank: the network's public endpoint)", "", false);
    questions.ask(Variable.NETUID, "Subnet id", "81", false);
    questions.ask(Variable.BT_WALLET_COLD, "Coldkey wallet name (as created with btcli)", "default", false);
    questions.ask(Variable.BT_WALLET_HOT, "Hotkey name", "default", false);
    questions.ask(Variable.BT_WALLET_PATH, "Wallets directory", "~/.bittensor/wallets", false);

    terminal.println("");
    terminal.println("== Object storage (Cloudflare R2): two API tokens, WRITE (Edit) stays private, READ is published on chain");
    if (questions.yes("Configure the R2 bucket now?", true)) {
      String account = questions.ask(Variable.R2_ACCOUNT_ID, "Cloudflare account id (32 hex characters)", "", true);
      questions.askChecked(Variable.R2_BUCKET_ID, "Bucket name (must equal the account id)", account, false, value -> value.isEmpty() || value.equals(account)
          ? Optional.empty() : Optional.of("must equal the account id: validators find your bucket by the account id on chain"));
      String writeKey = questions.ask(Variable.R2_WRITE_ACCESS_KEY_ID, "WRITE token: access key id", "", true);
      questions.ask(Variable.R2_WRITE_SECRET_ACCESS_KEY, "WRITE token: secret access key", "", true);
      questions.askChecked(Variable.R2_READ_ACCESS_KEY_ID, "READ token: access key id", "", true, value -> value.equals(writeKey)
          ? Optional.of("is the WRITE key; create a separate token with Read permission, its keys are published on chain")
          : value.length() > 32 ? Optional.of("is longer than the 32 characters the on-chain commitment holds") : Optional.empty());
      questions.ask(Variable.R2_READ_SECRET_ACCESS_KEY, "READ token: secret access key", "", true);
      String endpoint = questions.ask(Variable.R2_ENDPOINT_URL, "S3 endpoint (blank: Cloudflare R2)", "", false);
      if (!endpoint.isEmpty()) {
        questions.ask(Variable.R2_FORCE_PATH_STYLE, "Path-style addressing (true for MinIO/S3Proxy)", "true", false);
      }
      if (endpoint.isEmpty() && !account.matches("[0-9a-f]{32}")) {
        terminal.println("Note: a Cloudflare account id is 32 lowercase hex characters; the final check will say if this one is not.");
      }
    }

    terminal.println("");
    terminal.println("== Mining");
    questions.ask(Variable.QUARRY_DRAND, "Mix drand randomness into each window (true/false)", "true", false);
    questions.ask(Variable.QUARRY_GENERATION_DEVICES, "Generation devices (auto, cpu, gpu:0,gpu:1...)", "auto", false);
    questions.ask(Variable.QUARRY_MANAGEMENT_PORT, "Management endpoint port (/status, /metrics)", "9180", false);
    return answers;
  }

  /** Asks one question after another, re-asking when an answer is not acceptable. */
  private static final class Questions {
    private final Terminal terminal;
    private final Map<String, String> answers;

    Questions(Terminal terminal, Map<String, String> answers) {
      this.terminal = terminal;
      this.answers = answers;
    }

    String ask(Variable variable, String question, String fallback, boolean required) {
      return askChecked(variable, question, fallback, required, value -> Optional.empty());
    }

    /**
     * Returns the answer (the default when blank) and records it. Quarry's own tuning knobs are
     * left out when kept at their default, so conf/quarry.conf stays in charge of them.
     */
    String askChecked(Variable variable, String question, String fallback, boolean required,
        java.util.function.Function<String, Optional<String>> extraCheck) {
      String prompt = question + (fallback.isEmpty() ? "" : " [" + fallback + "]") + ": ";
      for (int attempt = 0; attempt < ATTEMPTS_PER_QUESTION; attempt++) {
        String line = variable.secret() ? terminal.readSecret(prompt) : terminal.readLine(prompt);
        if (line == null) {
          throw new UserError("input ended before every question was answered; nothing was written");
        }
        String value = line.trim().isEmpty() ? fallback : line.trim();
        if (value.isEmpty()) {
          if (required) {
            terminal.println("  " + variable.name() + " is required.");
            continue;
          }
          return value;
        }
        Optional<String> problem = variable.problemWith(value).or(() -> extraCheck.apply(value));
        if (problem.isEmpty() && value.contains("${")) {
          problem = Optional.of("contains \"${\", which .env files expand as a variable reference");
        }
        if (problem.isPresent()) {
          String shown = variable.secret() ? "That value" : "\"" + value + "\"";
          terminal.println("  " + shown + " " + problem.get() + ". Try again.");
          continue;
        }
        if (!(variable.source() == Variable.Source.QUARRY && value.equals(fallback))) {
          answers.put(variable.name(), value);
        }
        return value;
      }
      throw new UserError("no acceptable answer for " + variable.name() + " after " + ATTEMPTS_PER_QUESTION + " tries; nothing was written");
    }

    boolean yes(String question, boolean fallback) {
      for (int attempt = 0; attempt < ATTEMPTS_PER_QUESTION; attempt++) {
        String line = terminal.readLine(question + (fallback ? " [Y/n]: " : " [y/N]: "));
        if (line == null) {
          throw new UserError("input ended before every question was answered; nothing was written");
        }
        String answer = line.trim().toLowerCase(Locale.ROOT);
        if (answer.isEmpty()) {
          return fallback;
        }
        if (Set.of("y", "yes").contains(answer)) {
          return true;
        }
        if (Set.of("n", "no").contains(answer)) {
          return false;
        }
        terminal.println("  Answer y or n.");
      }
      throw new UserError("no y/n answer after " + ATTEMPTS_PER_QUESTION + " tries; nothing was written");
    }
  }

  /**
   * Writes the file through a temporary file created with mode 600 and moved into place, so the
   * file is never readable by others, not even for a moment, and a crash leaves the old file intact.
   */
  static Optional<Path> write(Path target, Map<String, String> answers) {
    StringBuilder text = new StringBuilder();
    text.append("# Written by `quarry init` on ").append(LocalDateTime.now().withNano(0)).append(".\n");
    text.append("# Keep this file private. .env.example documents every variable; unset ones keep their defaults.\n");
    Variable.Group group = null;
    for (Variable variable : Variable.values()) {
      String value = answers.get(variable.name());
      if (value == null) {
        continue;
      }
      if (variable.group() != group) {
        group = variable.group();
        text.append("\n# ").append(group.title()).append('\n');
      }
      text.append(DotEnvFile.render(variable.name(), value)).append('\n');
    }
    Path directory = target.getParent();
    try {
      Files.createDirectories(directory);
      Path temporary = createPrivateFile(directory.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid()));
      try {
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Optional<Path> backup = Optional.empty();
        if (Files.exists(target)) {
          Path copy = target.resolveSibling(target.getFileName() + ".bak-"
              + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
          Files.copy(target, copy, StandardCopyOption.COPY_ATTRIBUTES);
          restrict(copy);
          backup = Optional.of(copy);
        }
        try {
          Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException notAtomic) {
          Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return backup;
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException failure) {
      throw new UserError("cannot write " + target + ": " + failure.getClass().getSimpleName() + " " + failure.getMessage(), failure);
    }
  }

  private static Path createPrivateFile(Path path) throws IOException {
    Files.deleteIfExists(path);
    try {
      return Files.createFile(path, PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    } catch (UnsupportedOperationException notPosix) {
      return Files.createFile(path);
    } catch (FileAlreadyExistsException raced) {
      throw new IOException("temporary file " + path + " appeared while writing; try again", raced);
    }
  }

  private static void restrict(Path path) throws IOException {
    try {
      Files.setPosixFilePermissions(path, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    } catch (UnsupportedOperationException notPosix) {
      // Not a POSIX file system: nothing more to do.
    }
  }

  static Terminal systemTerminal(PrintWriter out) {
    Console console = System.console();
    if (console != null) {
      return new Terminal() {
        @Override
        public String readLine(String prompt) {
          return console.readLine("%s", prompt);
        }

        @Override
        public String readSecret(String prompt) {
          char[] secret = console.readPassword("%s", prompt);
          return secret == null ? null : new String(secret);
        }

        @Override
        public void println(String line) {
          console.printf("%s%n", line);
        }
      };
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    return new Terminal() {
      private boolean warned;

      @Override
      public String readLine(String prompt) {
        out.print(prompt);
        out.flush();
        try {
          return in.readLine();
        } catch (IOException failure) {
          throw new UncheckedIOException(failure);
        }
      }

      @Override
      public String readSecret(String prompt) {
        if (!warned) {
          out.println("(no terminal: secrets are read from standard input as typed)");
          warned = true;
        }
        return readLine(prompt);
      }

      @Override
      public void println(String line) {
        out.println(line);
        out.flush();
      }
    };
  }
}
