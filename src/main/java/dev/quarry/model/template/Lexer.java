package dev.quarry.model.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits template source into tokens the way Jinja2's lexer does, including its whitespace rules:
 * newlines normalised to {@code \n} and one trailing newline dropped; {@code -} modifiers strip all
 * whitespace on their side; {@code trim_blocks} drops the newline after a block or comment tag;
 * {@code lstrip_blocks} drops spaces and tabs before a block or comment tag that starts its line,
 * unless the tag opens with {@code +}. These rules decide every byte of a rendered prompt.
 */
final class Lexer {

  enum Type { DATA, VARIABLE_BEGIN, VARIABLE_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF }

  record Token(Type type, String text, Object value, int line) {
    boolean is(Type expected, String expectedText) {
      return type == expected && text.equals(expectedText);
    }

    boolean isName(String name) {
      return type == Type.NAME && text.equals(name);
    }

    boolean isOperator(String operator) {
      return type == Type.OPERATOR && text.equals(operator);
    }

    String describe() {
      return switch (type) {
        case EOF -> "end of template";
        case VARIABLE_END, BLOCK_END -> "end of tag";
        case DATA -> "template data";
        default -> "'" + text + "'";
      };
    }
  }

  private static final String[] OPERATORS = {
    "//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=",
    ".", ":", "|", ",", ";"
  };

  private final String source;
  private final boolean trimBlocks;
  private final boolean lstripBlocks;
  private final List<Token> tokens = new ArrayList<>();
  private int position;
  private int line = 1;
  private boolean lineStarting = true;

  private Lexer(String source, boolean trimBlocks, boolean lstripBlocks) {
    this.source = normalizeNewlines(source);
    this.trimBlocks = trimBlocks;
    this.lstripBlocks = lstripBlocks;
  }

  static List<Token> tokenize(String source, boolean trimBlocks, boolean lstripBlocks) {
    Lexer lexer = new Lexer(source, trimBlocks, lstripBlocks);
    lexer.run();
    return lexer.tokens;
  }

  /** Jinja2 treats \r\n, \r and \n alike and drops a single trailing newline (keep_trailing_newline=False). */
  private static String normalizeNewlines(String text) {
    String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
    return normalized.endsWith("\n") ? normalized.substring(0, normalized.length() - 1) : normalized;
  }

  private void run() {
    while (position < source.length()) {
      int tagStart = findTagStart(position);
      if (tagStart < 0) {
        emitData(source.substring(position));
        position = source.length();
        break;
      }
      char kind = source.charAt(tagStart + 1);
      char modifier = tagStart + 2 < source.length() ? source.charAt(tagStart + 2) : 0;
      boolean hasModifier = modifier == '-' || modifier == '+';
      String text = source.substring(position, tagStart);
      if (modifier == '-') {
        text = PyStrings.rstrip(text, null);
      } else if (modifier != '+' && lstripBlocks && kind != '{') {
        int lineBegin = text.lastIndexOf('\n') + 1;
        if ((lineBegin > 0 || lineStarting) && lineBegin < text.length()
            && PyStrings.isAllWhitespace(text.substring(lineBegin))) {
          text = text.substring(0, lineBegin);
        }
      }
      emitData(text);
      line += countNewlines(source, position, tagStart);
      position = tagStart + 2 + (hasModifier ? 1 : 0);
      switch (kind) {
        case '#' -> lexComment();
        case '{' -> lexTag(Type.VARIABLE_BEGIN, Type.VARIABLE_END, "}}");
        default -> {
          if (isRawBegin()) {
            lexRaw();
          } else {
            lexTag(Type.BLOCK_BEGIN, Type.BLOCK_END, "%}");
          }
        }
      }
    }
    tokens.add(new Token(Type.EOF, "", null, line));
  }

  private int findTagStart(int from) {
    int index = from;
    while (true) {
      int brace = source.indexOf('{', index);
      if (brace < 0 || brace + 1 >= source.length()) {
        return -1;
      }
      char next = source.charAt(brace + 1);
      if (next == '{' || next == '%' || next == '#') {
        return brace;
      }
      index = brace + 1;
    }
  }

  private void emitData(String text) {
    if (!text.isEmpty()) {
      tokens.add(new Token(Type.DATA, text, text, line));
    }
  }

  private static int countNewlines(String text, int from, int to) {
    int count = 0;
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == '\n') {
        count++;
      }
    }
    return count;
  }

  /** Comments end at the first {@code #}}; like block tags they honour -, + and trim_blocks. */
  private void lexComment() {
    int end = source.indexOf("#}", position);
    if (end < 0) {
      throw TemplateException.atLine(line, "missing end of comment tag");
    }
    char before = end > position ? source.charAt(end - 1) : 0;
    line += countNewlines(source, position, end);
    position = end + 2;
    finishTagEnd(before == '-' ? '-' : before == '+' ? '+' : 0, true);
  }

  private boolean isRawBegin() {
    int index = skipWhitespace(position);
    if (!source.startsWith("raw", index)) {
      return false;
    }
    int after = skipWhitespace(index + 3);
    return source.startsWith("%}", after) || source.startsWith("-%}", after);
  }

  /** {@code {% raw %}...{% endraw %}}: the body is data, emitted verbatim. */
  private void lexRaw() {
    int index = skipWhitespace(skipWhitespace(position) + 3);
    if (source.startsWith("-%}", index)) {
      position = index + 3;
      int after = skipWhitespace(position);
      line += countNewlines(source, position, after);
      position = after;
    } else {
      position = index + 2;
    }
    int search = position;
    while (true) {
      int tag = source.indexOf("{%", search);
      if (tag < 0) {
        throw TemplateException.atLine(line, "missing end of raw directive");
      }
      int cursor = tag + 2;
      char modifier = cursor < source.length() ? source.charAt(cursor) : 0;
      if (modifier == '-' || modifier == '+') {
        cursor++;
      }
      cursor = skipWhitespace(cursor);
      if (!source.startsWith("endraw", cursor)) {
        search = tag + 2;
        continue;
      }
      cursor = skipWhitespace(cursor + 6);
      char endModifier = 0;
      if (source.startsWith("-%}", cursor) || source.startsWith("+%}", cursor)) {
        endModifier = source.charAt(cursor);
        cursor += 3;
      } else if (source.startsWith("%}", cursor)) {
        cursor += 2;
      } else {
        search = tag + 2;
        continue;
      }
      String body = source.substring(position, tag);
      if (modifier == '-') {
        body = PyStrings.rstrip(body, null);
      } else if (modifier != '+' && lstripBlocks) {
        int lineBegin = body.lastIndexOf('\n') + 1;
        if (lineBegin > 0 && lineBegin < body.length() && PyStrings.isAllWhitespace(body.substring(lineBegin))) {
          body = body.substring(0, lineBegin);
        }
      }
      emitData(body);
      line += countNewlines(source, position, cursor);
      position = cursor;
      finishTagEnd(endModifier, true);
      return;
    }
  }

  private int skipWhitespace(int index) {
    while (index < source.length() && PyStrings.isWhitespace(source.charAt(index))) {
      index++;
    }
    return index;
  }

  /**
   * Applies what follows a closing delimiter: {@code -} eats all following whitespace; a plain block
   * or comment end eats one newline under trim_blocks. Records whether the next data starts a line,
   * which lstrip_blocks needs.
   */
  private void finishTagEnd(char modifier, boolean blockLike) {
    char last = source.charAt(position - 1);
    if (modifier == '-') {
      int after = skipWhitespace(position);
      if (after > position) {
        last = source.charAt(after - 1);
        line += countNewlines(source, position, after);
      }
      position = after;
    } else if (modifier != '+' && blockLike && trimBlocks && position < source.length()
        && source.charAt(position) == '\n') {
      position++;
      line++;
      last = '\n';
    }
    lineStarting = last == '\n';
  }

  private void lexTag(Type beginType, Type endType, String endDelimiter) {
    tokens.add(new Token(beginType, "", null, line));
    List<String> balance = new ArrayList<>();
    while (true) {
      int index = skipWhitespace(position);
      line += countNewlines(source, position, index);
      position = index;
      if (position >= source.length()) {
        throw TemplateException.atLine(line, "unexpected end of template inside a tag");
      }
      if (balance.isEmpty()) {
        char first = source.charAt(position);
        boolean minusEnd = first == '-' && source.startsWith(endDelimiter, position + 1);
        boolean plusEnd = first == '+' && endType == Type.BLOCK_END && source.startsWith(endDelimiter, position + 1);
        if (minusEnd || plusEnd || source.startsWith(endDelimiter, position)) {
          position += endDelimiter.length() + (minusEnd || plusEnd ? 1 : 0);
          tokens.add(new Token(endType, "", null, line));
          finishTagEnd(minusEnd ? '-' : plusEnd ? '+' : 0, endType == Type.BLOCK_END);
          return;
        }
      }
      lexExpressionToken(balance);
    }
  }

  private void lexExpressionToken(List<String> balance) {
    char current = source.charAt(position);
    int start = position;
    if (Character.isDigit(current)) {
      lexNumber();
      return;
    }
    if (current == '_' || Character.isLetter(current)) {
      int end = position + 1;
      while (end < source.length() && (source.charAt(end) == '_' || Character.isLetterOrDigit(source.charAt(end)))) {
        end++;
      }
      String name = source.substring(position, end);
      tokens.add(new Token(Type.NAME, name, name, line));
      position = end;
      return;
    }
    if (current == '\'' || current == '"') {
      int end = position + 1;
      while (end < source.length() && source.charAt(end) != current) {
        end += source.charAt(end) == '\\' ? 2 : 1;
      }
      if (end >= source.length()) {
        throw TemplateException.atLine(line, "unterminated string literal");
      }
      String raw = source.substring(position + 1, end);
      tokens.add(new Token(Type.STRING, raw, PyStrings.unescape(raw), line));
      line += countNewlines(source, start, end);
      position = end + 1;
      return;
    }
    for (String operator : OPERATORS) {
      if (source.startsWith(operator, position)) {
        switch (operator) {
          case "(" -> balance.add(")");
          case "[" -> balance.add("]");
          case "{" -> balance.add("}");
          case ")", "]", "}" -> {
            if (balance.isEmpty()) {
              throw TemplateException.atLine(line, "unexpected '" + operator + "'");
            }
            String expected = balance.remove(balance.size() - 1);
            if (!expected.equals(operator)) {
              throw TemplateException.atLine(line, "unexpected '" + operator + "', expected '" + expected + "'");
            }
          }
          default -> { }
        }
        tokens.add(new Token(Type.OPERATOR, operator, operator, line));
        position += operator.length();
        return;
      }
    }
    throw TemplateException.atLine(line, "unexpected character '" + current + "'");
  }

  /** Integers and floats as Jinja2 reads them: digits with optional '_', a fraction, an exponent. */
  private void lexNumber() {
    int end = position;
    boolean isFloat = false;
    if (source.startsWith("0x", end) || source.startsWith("0o", end) || source.startsWith("0b", end)
        || source.startsWith("0X", end) || source.startsWith("0O", end) || source.startsWith("0B", end)) {
      int radix = switch (Character.toLowerCase(source.charAt(end + 1))) {
        case 'x' -> 16;
        case 'o' -> 8;
        default -> 2;
      };
      end += 2;
      int digitsStart = end;
      while (end < source.length() && (source.charAt(end) == '_' || Character.digit(source.charAt(end), radix) >= 0)) {
        end++;
      }
      String digits = source.substring(digitsStart, end).replace("_", "");
      tokens.add(new Token(Type.INTEGER, source.substring(position, end), Long.parseLong(digits, radix), line));
      position = end;
      return;
    }
    end = digitsEnd(end);
    boolean precededByDot = position > 0 && source.charAt(position - 1) == '.';
    if (!precededByDot && end + 1 < source.length() && source.charAt(end) == '.'
        && Character.isDigit(source.charAt(end + 1))) {
      end = digitsEnd(end + 1);
      isFloat = true;
    }
    if (!precededByDot && end < source.length() && (source.charAt(end) == 'e' || source.charAt(end) == 'E')) {
      int exponent = end + 1;
      if (exponent < source.length() && (source.charAt(exponent) == '+' || source.charAt(exponent) == '-')) {
        exponent++;
      }
      if (exponent < source.length() && Character.isDigit(source.charAt(exponent))) {
        end = digitsEnd(exponent);
        isFloat = true;
      }
    }
    String text = source.substring(position, end);
    String clean = text.replace("_", "");
    Object value = isFloat ? (Object) Double.parseDouble(clean) : (Object) Long.parseLong(clean);
    tokens.add(new Token(isFloat ? Type.FLOAT : Type.INTEGER, text, value, line));
    position = end;
  }

  private int digitsEnd(int from) {
    int end = from;
    while (end < source.length() && (Character.isDigit(source.charAt(end))
        || (source.charAt(end) == '_' && end + 1 < source.length() && Character.isDigit(source.charAt(end + 1))))) {
      end++;
    }
    return end;
  }
}
