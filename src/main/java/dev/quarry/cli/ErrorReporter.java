package dev.quarry.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one readable line on stderr and exit code 1. Operators
 * see the cause and what to do about it; the stack trace is printed only with {@code -vv}, because a
 * trace is noise for a configuration mistake and a clue for a bug.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult) {
    String message = exception.getMessage() == null ? exception.getClass().getSimpleName() : exception.getMessage();
    commandLine.getErr().println("quarry: error: " + message);
    Throwable cause = exception.getCause();
    while (cause != null && cause != cause.getCause()) {
      if (cause.getMessage() != null && !message.contains(cause.getMessage())) {
        commandLine.getErr().println("  caused by: " + cause.getMessage());
      }
      cause = cause.getCause();
    }
    if (Verbosity.level() >= 2) {
      exception.printStackTrace(commandLine.getErr());
    }
    return exception instanceof UserError userError ? userError.exitCode() : 1;
  }
}
