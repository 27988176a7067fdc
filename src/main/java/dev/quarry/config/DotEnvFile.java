package dev.quarry.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code .env} file. The grammar is python-dotenv's (the library Grail loads its
 * {@code .env} with), so a file written for Grail means the same thing here: optional
 * {@code export}, unquoted values with {@code " #"} comments, single-quoted values (only {@code \\}
 * and {@code \'} escapes), double-quoted values (C-style escapes, may span lines), and
 * {@code ${NAME}} / {@code ${NAME:-default}} interpolation.
 *
 * <p>One deliberate difference: python-dotenv logs a warning and skips a statement it cannot parse
 * (an unterminated quote, text after a closing quote); Quarry reports it as a {@link Problem} with
 * its line, because a silently dropped line is usually a secret the miner then runs without. A
 * problem never carries the offending text, only the line and, when known, the variable name.
 */
public final class DotEnvFile {

  /** One {@code KEY=value} statement; {@code value} is {@code null} for a bare {@code KEY}. */
  public record Binding(String key, String value, int line) {
    public Binding {
      Objects.requireNonNull(key, "key");
    }
  }

  /** A statement that could not be parsed. {@code key} is {@code null} when no key was read. */
  public record Problem(int line, String key, String reason) {
    @Override
    public String toString() {
      return "line " + line + (key == null ? "" : " (" + key + ")") + ": " + reason;
    }
  }

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}:]*)(?::-([^}]*))?}");

  private final List<Binding> bindings;
  private final List<Problem> problems;

  private DotEnvFile(List<Binding> bindings, List<Problem> problems) {
    this.bindings = Collections.unmodifiableList(bindings);
    this.problems = Collections.unmodifiableList(problems);
  }

  /** Parses the text of a {@code .env} file (a leading byte-order mark is ignored). */
  public static DotEnvFile parse(String text) {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    Scanner scanner = new Scanner(body);
    scanner.run();
    return new DotEnvFile(scanner.bindings, scanner.problems);
  }

  /** Every statement in file order, duplicates included. */
  public List<Binding> bindings() {
    return bindings;
  }

  public List<Problem> problems() {
    return problems;
  }

  /**
   * The values after interpolation, in the order keys first appear; a later duplicate wins.
   * {@code ${NAME}} is looked up among the statements above it first and then in
   * {@code processEnvironment}, which is python-dotenv's rule when Grail loads with
   * {@code override=True}. Bare keys map to {@code null}.
   */
  public Map<String, String> resolve(Map<String, String> processEnvironment) {
    Map<String, String> resolved = new LinkedHashMap<>();
    for (Binding binding : bindings) {
      String value = binding.value() == null ? null : interpolate(binding.value(), resolved, processEnvironment);
      resolved.put(binding.key(), value);
    }
    return resolved;
  }

  /** The line of the last statement that set {@code key}, or -1. */
  public int lineOf(String key) {
    for (int index = bindings.size() - 1; index >= 0; index--) {
      if (bindings.get(index).key().equals(key)) {
        return bindings.get(index).line();
      }
    }
    return -1;
  }

  private static String interpolate(String value, Map<String, String> earlier, Map<String, String> process) {
    Matcher matcher = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    int cursor = 0;
    while (matcher.find()) {
      out.append(value, cursor, matcher.start());
      String name = matcher.group(1);
      String fallback = matcher.group(2) == null ? "" : matcher.group(2);
      String replacement;
      if (earlier.containsKey(name)) {
        // A bare KEY above shadows the process value and expands to "" (python-dotenv does the same).
        replacement = earlier.get(name) == null ? "" : earlier.get(name);
      } else if (process.containsKey(name)) {
        replacement = process.get(name);
      } else {
        replacement = fallback;
      }
      out.append(replacement);
      cursor = matcher.end();
    }
    return out.append(value, cursor, value.length()).toString();
  }

  /** Python's {@code str.isspace} / regex {@code \s}: Unicode whitespace, including no-break spaces. */
  static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085' || (c >= 0x1c && c <= 0x1f);
  }

  private static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r';
  }

  private static boolean isHorizontalSpace(char c) {
    return isSpace(c) && !isLineBreak(c);
  }

  /** A hand-written scanner over the whole text: quoted values may span lines. */
  private static final class Scanner {
    private final String text;
    private final int[] lineStarts;
    private final List<Binding> bindings = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private int position;

    Scanner(String text) {
      this.text = text;
      this.lineStarts = lineStarts(text);
    }

    private static int[] lineStarts(String text) {
      List<Integer> starts = new ArrayList<>();
      starts.add(0);
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          starts.add(i + 2);
          i++;
        } else if (c == '\n' || c == '\r') {
          starts.add(i + 1);
        }
      }
      return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private int lineAt(int offset) {
      int low = 0;
      int high = lineStarts.length - 1;
      while (low < high) {
        int middle = (low + high + 1) >>> 1;
        if (lineStarts[middle] <= offset) {
          low = middle;
        } else {
          high = middle - 1;
        }
      }
      return low + 1;
    }

    void run() {
      while (true) {
        while (position < text.length() && isSpace(text.charAt(position))) {
          position++;
        }
        if (position >= text.length()) {
          return;
        }
        statement();
      }
    }

    private char peek() {
      return position < text.length() ? text.charAt(position) : '\0';
    }

    private boolean atEnd() {
      return position >= text.length();
    }

    private void skipHorizontalSpace() {
      while (!atEnd() && isHorizontalSpace(text.charAt(position))) {
        position++;
      }
    }

    private void statement() {
      int line = lineAt(position);
      skipExport();
      if (peek() == '#') {
        skipRestOfLine();
        return;
      }
      String key = readKey();
      if (key == null) {
        fail(line, null, "expected NAME=value");
        return;
      }
      skipHorizontalSpace();
      String value = null;
      if (peek() == '=') {
        position++;
        skipHorizontalSpace();
        int valueStart = position;
        value = readValue();
        if (value == null) {
          position = valueStart;
          fail(line, key, "the quoted value has no closing " + text.charAt(valueStart) + " quote");
          return;
        }
      }
      skipComment();
      skipHorizontalSpace();
      if (atEnd()) {
        bindings.add(new Binding(key, value, line));
        return;
      }
      if (isLineBreak(peek())) {
        consumeLineBreak();
        bindings.add(new Binding(key, value, line));
        return;
      }
      fail(line, key, "unexpected text after the value (quote the whole value, or start a comment with \" #\")");
    }

    private void skipExport() {
      if (text.startsWith("export", position)
          && position + 6 < text.length()
          && isHorizontalSpace(text.charAt(position + 6))) {
        position += 6;
        skipHorizontalSpace();
      }
    }

    private String readKey() {
      if (peek() == '\'') {
        int close = text.indexOf('\'', position + 1);
        if (close <= position + 1) {
          return null;
        }
        String key = text.substring(position + 1, close);
        position = close + 1;
        return key;
      }
      int start = position;
      while (!atEnd()) {
        char c = text.charAt(position);
        if (c == '=' || c == '#' || isSpace(c)) {
          break;
        }
        position++;
      }
      return position > start ? text.substring(start, position) : null;
    }

    /** The value after {@code =}; {@code null} when a quoted value is never closed. */
    private String readValue() {
      char first = peek();
      if (first == '\'' || first == '"') {
        int close = closingQuote(first);
        if (close < 0) {
          return null;
        }
        String raw = text.substring(position + 1, close);
        position = close + 1;
        return first == '\'' ? unescapeSingleQuoted(raw) : unescapeDoubleQuoted(raw);
      }
      int start = position;
      while (!atEnd() && !isLineBreak(peek())) {
        position++;
      }
      return stripInlineComment(text.substring(start, position));
    }

    /**
     * Where a quoted value ends. A backslash-quote pair is part of the value, except that when no
     * plain closing quote follows, the quote of the last such pair closes the value: the
     * backtracking outcome of python-dotenv's {@code '((?:\\'|[^'])*)'} pattern.
     */
    private int closingQuote(char quote) {
      int lastEscapedQuote = -1;
      int i = position + 1;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == quote) {
          lastEscapedQuote = i + 1;
          i += 2;
        } else if (c == quote) {
          return i;
        } else {
          i++;
        }
      }
      return lastEscapedQuote;
    }

    private void skipComment() {
      int mark = position;
      skipHorizontalSpace();
      if (peek() == '#') {
        while (!atEnd() && !isLineBreak(peek())) {
          position++;
        }
      } else {
        position = mark;
      }
    }

    private void consumeLineBreak() {
      if (peek() == '\r') {
        position++;
        if (peek() == '\n') {
          position++;
        }
      } else if (peek() == '\n') {
        position++;
      }
    }

    private void skipRestOfLine() {
      while (!atEnd() && !isLineBreak(peek())) {
        position++;
      }
      consumeLineBreak();
    }

    private void fail(int line, String key, String reason) {
      problems.add(new Problem(line, key, reason));
      skipRestOfLine();
    }
  }

  /** Unquoted value: drop the first whitespace-then-{@code #} comment, then trailing whitespace. */
  static String stripInlineComment(String raw) {
    String value = raw;
    for (int i = 1; i < raw.length(); i++) {
      if (raw.charAt(i) == '#' && isSpace(raw.charAt(i - 1))) {
        int start = i - 1;
        while (start > 0 && isSpace(raw.charAt(start - 1))) {
          start--;
        }
        value = raw.substring(0, start);
        break;
      }
    }
    int end = value.length();
    while (end > 0 && isSpace(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(0, end);
  }

  static String unescapeSingleQuoted(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length() && (raw.charAt(i + 1) == '\\' || raw.charAt(i + 1) == '\'')) {
        out.append(raw.charAt(++i));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static String unescapeDoubleQuoted(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\' || i + 1 >= raw.length()) {
        out.append(c);
        continue;
      }
      char next = raw.charAt(i + 1);
      String decoded;
      switch (next) {
        case '\\' -> decoded = "\\";
        case '\'' -> decoded = "'";
        case '"' -> decoded = "\"";
        case 'a' -> decoded = "\u0007";
        case 'b' -> decoded = "\b";
        case 'f' -> decoded = "\f";
        case 'n' -> decoded = "\n";
        case 'r' -> decoded = "\r";
        case 't' -> decoded = "\t";
        case 'v' -> decoded = "\u000b";
        default -> decoded = null;
      }
      if (decoded == null) {
        out.append(c);
      } else {
        out.append(decoded);
        i++;
      }
    }
    return out.toString();
  }

  /**
   * Renders {@code KEY=value} so that both this parser and python-dotenv read back exactly
   * {@code value}: bare when it is made of safe characters, otherwise double-quoted with escapes.
   * Two values cannot be written and are refused: one containing {@code ${} (python-dotenv expands
   * it and has no escape for it), and one ending in a backslash that also needs quotes (in either
   * quote style a backslash right before the closing quote escapes it).
   */
  public static String render(String key, String value) {
    if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("not a valid variable name: " + key);
    }
    if (value.contains("${")) {
      throw new IllegalArgumentException(
          key + " contains \"${\", which .env readers expand as a variable reference; it cannot be stored in a .env file");
    }
    if (value.matches("[A-Za-z0-9_./:@+,=~%-]*")) {
      return key + "=" + value;
    }
    if (!value.endsWith("\\")) {
      return key + "=\"" + escapeForDoubleQuotes(value) + '"';
    }
    if (readsBackUnquoted(value)) {
      return key + "=" + value;
    }
    throw new IllegalArgumentException(
        key + " ends with a backslash and also needs quoting (line break, leading quote or space); it cannot be stored in a .env file");
  }

  private static String escapeForDoubleQuotes(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean readsBackUnquoted(String value) {
    if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      return false;
    }
    char first = value.charAt(0);
    return first != '\'' && first != '"' && !isSpace(first) && stripInlineComment(value).equals(value);
  }
}
