package dev.quarry.model.template;

import java.util.List;

/** The parsed template: expressions and statements, immutable, evaluated by {@link Interpreter}. */
interface Node {

  /** Anything that yields a value. */
  sealed interface Expr extends Node permits Const, Name, GetAttr, GetItem, Slice, ListLiteral, TupleLiteral,
      DictLiteral, Unary, Binary, And, Or, Not, Compare, Concat, Conditional, Call, Filter, Test, NamespaceRef {
    int line();
  }

  record Const(Object value, int line) implements Expr {}

  record Name(String name, int line) implements Expr {}

  record GetAttr(Expr target, String attribute, int line) implements Expr {}

  record GetItem(Expr target, Expr key, int line) implements Expr {}

  /** {@code start:stop:step} inside a subscript; absent parts are null. */
  record Slice(Expr start, Expr stop, Expr step, int line) implements Expr {}

  record ListLiteral(List<Expr> items, int line) implements Expr {}

  record TupleLiteral(List<Expr> items, int line) implements Expr {}

  record DictLiteral(List<Expr> keys, List<Expr> values, int line) implements Expr {}

  /** {@code -x} or {@code +x}. */
  record Unary(String operator, Expr operand, int line) implements Expr {}

  /** Arithmetic: + - * / // % **. */
  record Binary(String operator, Expr left, Expr right, int line) implements Expr {}

  record And(Expr left, Expr right, int line) implements Expr {}

  record Or(Expr left, Expr right, int line) implements Expr {}

  record Not(Expr operand, int line) implements Expr {}

  /** A comparison chain, Python style: {@code a < b <= c} means {@code a < b and b <= c}. */
  record Compare(Expr first, List<String> operators, List<Expr> operands, int line) implements Expr {}

  /** {@code a ~ b ~ c}: string concatenation of str() of each part. */
  record Concat(List<Expr> parts, int line) implements Expr {}

  /** {@code body if test else otherwise}; without else the result is undefined when test fails. */
  record Conditional(Expr test, Expr body, Expr otherwise, int line) implements Expr {}

  record Call(Expr callee, List<Expr> arguments, List<String> keywordNames, List<Expr> keywordValues,
      Expr starArguments, Expr starKeywords, int line) implements Expr {}

  /** {@code value | name(args)}; value is null inside a {@code {% filter %}} block head. */
  record Filter(Expr value, String name, List<Expr> arguments, List<String> keywordNames,
      List<Expr> keywordValues, int line) implements Expr {}

  record Test(Expr value, String name, List<Expr> arguments, List<String> keywordNames,
      List<Expr> keywordValues, int line) implements Expr {}

  /** {@code ns.attr} as an assignment target. */
  record NamespaceRef(String namespace, String attribute, int line) implements Expr {}

  /** Things that produce output or change state. */
  sealed interface Stmt extends Node permits Text, Output, If, For, Assign, AssignBlock, MacroDef, Break, Continue,
      With, FilterBlock, CallBlock {}

  record Text(String text) implements Stmt {}

  record Output(Expr expression) implements Stmt {}

  record If(List<Expr> tests, List<List<Stmt>> bodies, List<Stmt> otherwise) implements Stmt {}

  record For(Expr target, Expr iterable, Expr condition, List<Stmt> body, List<Stmt> otherwise, boolean recursive,
      int line) implements Stmt {}

  record Assign(Expr target, Expr value, int line) implements Stmt {}

  record AssignBlock(Expr target, List<Filter> filters, List<Stmt> body, int line) implements Stmt {}

  record MacroDef(String name, List<String> parameters, List<Expr> defaults, List<Stmt> body, int line)
      implements Stmt {}

  record Break(int line) implements Stmt {}

  record Continue(int line) implements Stmt {}

  record With(List<Expr> targets, List<Expr> values, List<Stmt> body) implements Stmt {}

  record FilterBlock(List<Filter> filters, List<Stmt> body, int line) implements Stmt {}

  /** {@code {% call macro(args) %}body{% endcall %}}: the body becomes {@code caller()}. */
  record CallBlock(Call call, List<String> parameters, List<Stmt> body, int line) implements Stmt {}
}
