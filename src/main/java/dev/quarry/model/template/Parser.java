package dev.quarry.model.template;

import dev.quarry.model.template.Lexer.Token;
import dev.quarry.model.template.Lexer.Type;
import dev.quarry.model.template.Node.Expr;
import dev.quarry.model.template.Node.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser with Jinja2's grammar and operator precedence (conditional, or, and,
 * not, comparisons and {@code in}, + -, ~, * / // %, **, unary, postfix, then filters and tests).
 */
final class Parser {

  private static final Set<String> COMPARISON_OPERATORS = Set.of("==", "!=", "<", "<=", ">", ">=");

  private final List<Token> tokens;
  private int index;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static List<Stmt> parse(List<Token> tokens) {
    Parser parser = new Parser(tokens);
    List<Stmt> body = new ArrayList<>();
    String end = parser.parseBody(body, Set.of());
    if (end != null) {
      throw TemplateException.atLine(parser.current().line(), "unexpected '" + end + "'");
    }
    return body;
  }

  private Token current() {
    return tokens.get(index);
  }

  private Token peek() {
    return tokens.get(Math.min(index + 1, tokens.size() - 1));
  }

  private Token advance() {
    Token token = tokens.get(index);
    if (index < tokens.size() - 1) {
      index++;
    }
    return token;
  }

  private TemplateException fail(String message) {
    return TemplateException.atLine(current().line(), message);
  }

  private Token expectOperator(String operator) {
    if (!current().isOperator(operator)) {
      throw fail("expected '" + operator + "', got " + current().describe());
    }
    return advance();
  }

  private Token expectName() {
    if (current().type() != Type.NAME) {
      throw fail("expected a name, got " + current().describe());
    }
    return advance();
  }

  private void expectName(String name) {
    if (!current().isName(name)) {
      throw fail("expected '" + name + "', got " + current().describe());
    }
    advance();
  }

  private void expectBlockEnd() {
    if (current().type() != Type.BLOCK_END) {
      throw fail("expected end of statement block, got " + current().describe());
    }
    advance();
  }

  private boolean skipName(String name) {
    if (current().isName(name)) {
      advance();
      return true;
    }
    return false;
  }

  /**
   * Parses statements into {@code body} until a block tag whose name is in {@code endNames}; returns
   * that name, positioned after it (its arguments, if any, are for the caller), or null at the end.
   */
  private String parseBody(List<Stmt> body, Set<String> endNames) {
    while (true) {
      Token token = current();
      switch (token.type()) {
        case EOF -> {
          if (!endNames.isEmpty()) {
            throw fail("unexpected end of template; expected one of " + endNames);
          }
          return null;
        }
        case DATA -> {
          advance();
          body.add(new Node.Text(token.text()));
        }
        case VARIABLE_BEGIN -> {
          advance();
          Expr expression = parseTuple(false, true, Set.of());
          if (current().type() != Type.VARIABLE_END) {
            throw fail("expected end of print statement, got " + current().describe());
          }
          advance();
          body.add(new Node.Output(expression));
        }
        case BLOCK_BEGIN -> {
          advance();
          Token name = expectName();
          if (endNames.contains(name.text())) {
            return name.text();
          }
          body.add(parseStatement(name));
        }
        default -> throw fail("unexpected " + token.describe());
      }
    }
  }

  private Stmt parseStatement(Token name) {
    int line = name.line();
    switch (name.text()) {
      case "if" -> {
        return parseIf();
      }
      case "for" -> {
        return parseFor(line);
      }
      case "set" -> {
        return parseSet(line);
      }
      case "macro" -> {
        return parseMacro(line);
      }
      case "break" -> {
        expectBlockEnd();
        return new Node.Break(line);
      }
      case "continue" -> {
        expectBlockEnd();
        return new Node.Continue(line);
      }
      case "with" -> {
        return parseWith();
      }
      case "filter" -> {
        List<Node.Filter> filters = parseFilterChain(null);
        expectBlockEnd();
        List<Stmt> body = new ArrayList<>();
        parseBody(body, Set.of("endfilter"));
        expectBlockEnd();
        return new Node.FilterBlock(filters, body, line);
      }
      case "call" -> {
        return parseCallBlock(line);
      }
      case "generation" -> {
        // HF's AssistantTracker tag only marks assistant spans; the body renders as-is.
        expectBlockEnd();
        List<Stmt> body = new ArrayList<>();
        parseBody(body, Set.of("endgeneration"));
        expectBlockEnd();
        return new Node.If(List.of(new Node.Const(true, line)), List.of(body), List.of());
      }
      default -> throw TemplateException.atLine(line, "unknown tag '" + name.text() + "'");
    }
  }

  private Stmt parseIf() {
    List<Expr> tests = new ArrayList<>();
    List<List<Stmt>> bodies = new ArrayList<>();
    List<Stmt> otherwise = new ArrayList<>();
    while (true) {
      tests.add(parseTuple(false, false, Set.of()));
      expectBlockEnd();
      List<Stmt> body = new ArrayList<>();
      bodies.add(body);
      String end = parseBody(body, Set.of("elif", "else", "endif"));
      if (end.equals("elif")) {
        continue;
      }
      if (end.equals("else")) {
        expectBlockEnd();
        parseBody(otherwise, Set.of("endif"));
      }
      expectBlockEnd();
      return new Node.If(tests, bodies, otherwise);
    }
  }

  private Stmt parseFor(int line) {
    Expr target = parseAssignTarget(Set.of("in"));
    expectName("in");
    Expr iterable = parseTuple(false, false, Set.of("recursive"));
    Expr condition = null;
    if (skipName("if")) {
      condition = parseExpression(true);
    }
    boolean recursive = skipName("recursive");
    expectBlockEnd();
    List<Stmt> body = new ArrayList<>();
    List<Stmt> otherwise = new ArrayList<>();
    String end = parseBody(body, Set.of("endfor", "else"));
    if (end.equals("else")) {
      expectBlockEnd();
      parseBody(otherwise, Set.of("endfor"));
    }
    expectBlockEnd();
    return new Node.For(target, iterable, condition, body, otherwise, recursive, line);
  }

  private Stmt parseSet(int line) {
    Expr target = parseAssignTarget(Set.of());
    if (current().isOperator("=")) {
      advance();
      Expr value = parseTuple(false, true, Set.of());
      expectBlockEnd();
      return new Node.Assign(target, value, line);
    }
    List<Node.Filter> filters = current().isOperator("|") ? parseFilterChain(null) : List.of();
    expectBlockEnd();
    List<Stmt> body = new ArrayList<>();
    parseBody(body, Set.of("endset"));
    expectBlockEnd();
    return new Node.AssignBlock(target, filters, body, line);
  }

  private Stmt parseMacro(int line) {
    String name = expectName().text();
    List<String> parameters = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    parseSignature(parameters, defaults);
    expectBlockEnd();
    List<Stmt> body = new ArrayList<>();
    parseBody(body, Set.of("endmacro"));
    if (current().type() == Type.NAME) {
      advance(); // {% endmacro name %}
    }
    expectBlockEnd();
    return new Node.MacroDef(name, parameters, defaults, body, line);
  }

  private void parseSignature(List<String> parameters, List<Expr> defaults) {
    expectOperator("(");
    while (!current().isOperator(")")) {
      if (!parameters.isEmpty()) {
        expectOperator(",");
        if (current().isOperator(")")) {
          break;
        }
      }
      parameters.add(expectName().text());
      if (current().isOperator("=")) {
        advance();
        defaults.add(parseExpression(true));
      } else {
        if (!defaults.isEmpty()) {
          throw fail("non-default argument follows default argument");
        }
      }
    }
    expectOperator(")");
  }

  private Stmt parseCallBlock(int line) {
    List<String> parameters = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    if (current().isOperator("(")) {
      parseSignature(parameters, defaults);
    }
    Expr call = parseExpression(true);
    if (!(call instanceof Node.Call callNode)) {
      throw TemplateException.atLine(line, "expected a call in a call block");
    }
    expectBlockEnd();
    List<Stmt> body = new ArrayList<>();
    parseBody(body, Set.of("endcall"));
    expectBlockEnd();
    return new Node.CallBlock(callNode, parameters, body, line);
  }

  private Stmt parseWith() {
    List<Expr> targets = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (current().type() != Type.BLOCK_END) {
      if (!targets.isEmpty()) {
        expectOperator(",");
      }
      targets.add(parseAssignTarget(Set.of()));
      expectOperator("=");
      values.add(parseExpression(true));
    }
    expectBlockEnd();
    List<Stmt> body = new ArrayList<>();
    parseBody(body, Set.of("endwith"));
    expectBlockEnd();
    return new Node.With(targets, values, body);
  }

  /** Names, tuples of names, or {@code ns.attr}. */
  private Expr parseAssignTarget(Set<String> extraEnds) {
    int line = current().line();
    List<Expr> targets = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!targets.isEmpty()) {
        expectOperator(",");
      }
      if (isTupleEnd(extraEnds)) {
        break;
      }
      Token name = expectName();
      if (current().isOperator(".")) {
        advance();
        targets.add(new Node.NamespaceRef(name.text(), expectName().text(), name.line()));
      } else {
        targets.add(new Node.Name(name.text(), name.line()));
      }
      if (current().isOperator(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (targets.isEmpty()) {
      throw fail("expected an assignment target");
    }
    return isTuple ? new Node.TupleLiteral(targets, line) : targets.get(0);
  }

  private boolean isTupleEnd(Set<String> extraEnds) {
    Token token = current();
    if (token.type() == Type.VARIABLE_END || token.type() == Type.BLOCK_END || token.type() == Type.EOF
        || token.isOperator(")") || token.isOperator("=")) {
      return true;
    }
    return token.type() == Type.NAME && extraEnds.contains(token.text());
  }

  /** An expression, or a tuple when commas follow (Jinja2's parse_tuple). */
  private Expr parseTuple(boolean explicitParentheses, boolean withConditional, Set<String> extraEnds) {
    int line = current().line();
    List<Expr> items = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!items.isEmpty()) {
        expectOperator(",");
      }
      if (isTupleEnd(extraEnds)) {
        break;
      }
      items.add(parseExpression(withConditional));
      if (current().isOperator(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (!isTuple) {
      if (!items.isEmpty()) {
        return items.get(0);
      }
      if (!explicitParentheses) {
        throw fail("expected an expression, got " + current().describe());
      }
    }
    return new Node.TupleLiteral(items, line);
  }

  private Expr parseExpression(boolean withConditional) {
    return withConditional ? parseConditional() : parseOr();
  }

  private Expr parseConditional() {
    int line = current().line();
    Expr body = parseOr();
    while (skipName("if")) {
      Expr test = parseOr();
      Expr otherwise = skipName("else") ? parseConditional() : null;
      body = new Node.Conditional(test, body, otherwise, line);
      line = current().line();
    }
    return body;
  }

  private Expr parseOr() {
    Expr left = parseAnd();
    while (current().isName("or")) {
      int line = advance().line();
      left = new Node.Or(left, parseAnd(), line);
    }
    return left;
  }

  private Expr parseAnd() {
    Expr left = parseNot();
    while (current().isName("and")) {
      int line = advance().line();
      left = new Node.And(left, parseNot(), line);
    }
    return left;
  }

  private Expr parseNot() {
    if (current().isName("not")) {
      int line = advance().line();
      return new Node.Not(parseNot(), line);
    }
    return parseCompare();
  }

  private Expr parseCompare() {
    int line = current().line();
    Expr first = parseMath1();
    List<String> operators = new ArrayList<>();
    List<Expr> operands = new ArrayList<>();
    while (true) {
      Token token = current();
      if (token.type() == Type.OPERATOR && COMPARISON_OPERATORS.contains(token.text())) {
        advance();
        operators.add(token.text());
        operands.add(parseMath1());
      } else if (token.isName("in")) {
        advance();
        operators.add("in");
        operands.add(parseMath1());
      } else if (token.isName("not") && peek().isName("in")) {
        advance();
        advance();
        operators.add("notin");
        operands.add(parseMath1());
      } else {
        break;
      }
    }
    return operators.isEmpty() ? first : new Node.Compare(first, operators, operands, line);
  }

  private Expr parseMath1() {
    Expr left = parseConcat();
    while (current().isOperator("+") || current().isOperator("-")) {
      Token operator = advance();
      left = new Node.Binary(operator.text(), left, parseConcat(), operator.line());
    }
    return left;
  }

  private Expr parseConcat() {
    int line = current().line();
    List<Expr> parts = new ArrayList<>();
    parts.add(parseMath2());
    while (current().isOperator("~")) {
      advance();
      parts.add(parseMath2());
    }
    return parts.size() == 1 ? parts.get(0) : new Node.Concat(parts, line);
  }

  private Expr parseMath2() {
    Expr left = parsePow();
    while (current().isOperator("*") || current().isOperator("/") || current().isOperator("//")
        || current().isOperator("%")) {
      Token operator = advance();
      left = new Node.Binary(operator.text(), left, parsePow(), operator.line());
    }
    return left;
  }

  private Expr parsePow() {
    Expr left = parseUnary(true);
    while (current().isOperator("**")) {
      Token operator = advance();
      left = new Node.Binary("**", left, parseUnary(true), operator.line());
    }
    return left;
  }

  private Expr parseUnary(boolean withFilter) {
    Token token = current();
    Expr node;
    if (token.isOperator("-") || token.isOperator("+")) {
      advance();
      node = new Node.Unary(token.text(), parseUnary(false), token.line());
    } else {
      node = parsePrimary();
    }
    node = parsePostfix(node);
    if (withFilter) {
      node = parseFilterExpression(node);
    }
    return node;
  }

  private Expr parsePrimary() {
    Token token = advance();
    int line = token.line();
    switch (token.type()) {
      case NAME -> {
        return switch (token.text()) {
          case "true", "True" -> new Node.Const(true, line);
          case "false", "False" -> new Node.Const(false, line);
          case "none", "None" -> new Node.Const(null, line);
          default -> new Node.Name(token.text(), line);
        };
      }
      case STRING -> {
        StringBuilder text = new StringBuilder((String) token.value());
        while (current().type() == Type.STRING) {
          text.append((String) advance().value());
        }
        return new Node.Const(text.toString(), line);
      }
      case INTEGER, FLOAT -> {
        return new Node.Const(token.value(), line);
      }
      case OPERATOR -> {
        switch (token.text()) {
          case "(" -> {
            Expr inner = parseTuple(true, true, Set.of());
            expectOperator(")");
            return inner;
          }
          case "[" -> {
            List<Expr> items = new ArrayList<>();
            while (!current().isOperator("]")) {
              if (!items.isEmpty()) {
                expectOperator(",");
              }
              if (current().isOperator("]")) {
                break;
              }
              items.add(parseExpression(true));
            }
            expectOperator("]");
            return new Node.ListLiteral(items, line);
          }
          case "{" -> {
            List<Expr> keys = new ArrayList<>();
            List<Expr> values = new ArrayList<>();
            while (!current().isOperator("}")) {
              if (!keys.isEmpty()) {
                expectOperator(",");
              }
              if (current().isOperator("}")) {
                break;
              }
              keys.add(parseExpression(true));
              expectOperator(":");
              values.add(parseExpression(true));
            }
            expectOperator("}");
            return new Node.DictLiteral(keys, values, line);
          }
          default -> throw TemplateException.atLine(line, "unexpected '" + token.text() + "'");
        }
      }
      default -> throw TemplateException.atLine(line, "unexpected " + token.describe());
    }
  }

  private Expr parsePostfix(Expr node) {
    while (true) {
      Token token = current();
      if (token.isOperator(".")) {
        advance();
        Token attribute = advance();
        if (attribute.type() == Type.NAME) {
          node = new Node.GetAttr(node, attribute.text(), token.line());
        } else if (attribute.type() == Type.INTEGER) {
          node = new Node.GetItem(node, new Node.Const(attribute.value(), attribute.line()), token.line());
        } else {
          throw TemplateException.atLine(token.line(), "expected name or number after '.'");
        }
      } else if (token.isOperator("[")) {
        advance();
        List<Expr> keys = new ArrayList<>();
        while (!current().isOperator("]")) {
          if (!keys.isEmpty()) {
            expectOperator(",");
          }
          keys.add(parseSubscribed());
        }
        expectOperator("]");
        Expr key = keys.size() == 1 ? keys.get(0) : new Node.TupleLiteral(keys, token.line());
        node = new Node.GetItem(node, key, token.line());
      } else if (token.isOperator("(")) {
        node = parseCall(node);
      } else {
        return node;
      }
    }
  }

  private Expr parseSubscribed() {
    int line = current().line();
    Expr start = null;
    if (current().isOperator(":")) {
      advance();
    } else {
      Expr expression = parseExpression(true);
      if (!current().isOperator(":")) {
        return expression;
      }
      advance();
      start = expression;
    }
    Expr stop = null;
    if (!current().isOperator(":") && !current().isOperator("]") && !current().isOperator(",")) {
      stop = parseExpression(true);
    }
    Expr step = null;
    if (current().isOperator(":")) {
      advance();
      if (!current().isOperator("]") && !current().isOperator(",")) {
        step = parseExpression(true);
      }
    }
    return new Node.Slice(start, stop, step, line);
  }

  private record Arguments(List<Expr> positional, List<String> keywordNames, List<Expr> keywordValues, Expr star,
      Expr starStar) {}

  private Arguments parseArguments() {
    expectOperator("(");
    List<Expr> positional = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    Expr star = null;
    Expr starStar = null;
    boolean requireComma = false;
    while (!current().isOperator(")")) {
      if (requireComma) {
        expectOperator(",");
        if (current().isOperator(")")) {
          break;
        }
      }
      if (current().isOperator("*")) {
        advance();
        star = parseExpression(true);
      } else if (current().isOperator("**")) {
        advance();
        starStar = parseExpression(true);
      } else if (current().type() == Type.NAME && peek().isOperator("=")) {
        names.add(advance().text());
        advance();
        values.add(parseExpression(true));
      } else {
        if (!names.isEmpty()) {
          throw fail("positional argument follows keyword argument");
        }
        positional.add(parseExpression(true));
      }
      requireComma = true;
    }
    expectOperator(")");
    return new Arguments(positional, names, values, star, starStar);
  }

  private Expr parseCall(Expr callee) {
    int line = current().line();
    Arguments arguments = parseArguments();
    return new Node.Call(callee, arguments.positional(), arguments.keywordNames(), arguments.keywordValues(),
        arguments.star(), arguments.starStar(), line);
  }

  private Expr parseFilterExpression(Expr node) {
    while (true) {
      if (current().isOperator("|")) {
        List<Node.Filter> chain = parseFilterChain(node);
        node = chain.get(chain.size() - 1);
      } else if (current().isName("is")) {
        node = parseTest(node);
      } else if (current().isOperator("(")) {
        node = parseCall(node);
      } else {
        return node;
      }
    }
  }

  /** One or more {@code | name(args)}; each filter wraps the previous one. */
  private List<Node.Filter> parseFilterChain(Expr value) {
    List<Node.Filter> chain = new ArrayList<>();
    boolean first = value == null;
    while (current().isOperator("|") || first) {
      if (!first) {
        advance();
      }
      first = false;
      Token name = expectName();
      String filterName = name.text();
      while (current().isOperator(".")) {
        advance();
        filterName += "." + expectName().text();
      }
      Arguments arguments = current().isOperator("(") ? parseArguments()
          : new Arguments(List.of(), List.of(), List.of(), null, null);
      Node.Filter filter = new Node.Filter(value, filterName, arguments.positional(), arguments.keywordNames(),
          arguments.keywordValues(), name.line());
      chain.add(filter);
      value = filter;
    }
    return chain;
  }

  private Expr parseTest(Expr value) {
    Token is = advance();
    boolean negated = skipName("not");
    String name = expectName().text();
    while (current().isOperator(".")) {
      advance();
      name += "." + expectName().text();
    }
    List<Expr> arguments = List.of();
    List<String> keywordNames = List.of();
    List<Expr> keywordValues = List.of();
    Token next = current();
    if (next.isOperator("(")) {
      Arguments parsed = parseArguments();
      arguments = parsed.positional();
      keywordNames = parsed.keywordNames();
      keywordValues = parsed.keywordValues();
    } else if ((next.type() == Type.NAME || next.type() == Type.STRING || next.type() == Type.INTEGER
        || next.type() == Type.FLOAT || next.isOperator("[") || next.isOperator("{"))
        && !next.isName("else") && !next.isName("or") && !next.isName("and")) {
      if (next.isName("is")) {
        throw fail("you cannot chain multiple tests with is");
      }
      arguments = List.of(parsePostfix(parsePrimary()));
    }
    Expr test = new Node.Test(value, name, arguments, keywordNames, keywordValues, is.line());
    return negated ? new Node.Not(test, is.line()) : test;
  }
}
