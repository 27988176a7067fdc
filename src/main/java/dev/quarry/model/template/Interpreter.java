package dev.quarry.model.template;

import dev.quarry.model.template.Node.Expr;
import dev.quarry.model.template.Node.Stmt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a parsed template. Scoping follows Jinja2: a {@code set} inside a for loop lives only for
 * that iteration (state that must survive iterations goes through {@code namespace()}), {@code if}
 * blocks open no scope, macros see the scope they were defined in.
 */
final class Interpreter {

  /** A variable scope; lookups walk outwards, assignments land in the innermost scope. */
  private static final class Scope {
    final Scope parent;
    final Map<String, Object> variables = new HashMap<>();

    Scope(Scope parent) {
      this.parent = parent;
    }

    boolean lookup(String name, Object[] result) {
      for (Scope scope = this; scope != null; scope = scope.parent) {
        if (scope.variables.containsKey(name)) {
          result[0] = scope.variables.get(name);
          return true;
        }
      }
      return false;
    }
  }

  /** Control flow for {% break %} and {% continue %}; carries no stack trace. */
  private static final class LoopSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final LoopSignal BREAK = new LoopSignal();
    static final LoopSignal CONTINUE = new LoopSignal();

    private LoopSignal() {
      super(null, null, false, false);
    }
  }

  private final Map<String, Object> globals;
  private int line;
  private int loopDepth;

  Interpreter(Map<String, Object> globals) {
    this.globals = globals;
  }

  int line() {
    return line;
  }

  String render(List<Stmt> body, Map<String, Object> context) {
    Scope root = new Scope(null);
    root.variables.putAll(context);
    StringBuilder out = new StringBuilder();
    execute(body, root, out);
    return out.toString();
  }

  private void execute(List<Stmt> body, Scope scope, StringBuilder out) {
    for (Stmt statement : body) {
      execute(statement, scope, out);
    }
  }

  private void execute(Stmt statement, Scope scope, StringBuilder out) {
    if (statement instanceof Node.Text text) {
      out.append(text.text());
    } else if (statement instanceof Node.Output output) {
      line = output.expression().line();
      out.append(PyValues.str(evaluate(output.expression(), scope)));
    } else if (statement instanceof Node.If conditional) {
      for (int i = 0; i < conditional.tests().size(); i++) {
        line = conditional.tests().get(i).line();
        if (PyValues.truthy(evaluate(conditional.tests().get(i), scope))) {
          execute(conditional.bodies().get(i), scope, out);
          return;
        }
      }
      execute(conditional.otherwise(), scope, out);
    } else if (statement instanceof Node.For loop) {
      line = loop.line();
      executeFor(loop, evaluate(loop.iterable(), scope), scope, out);
    } else if (statement instanceof Node.Assign assign) {
      line = assign.line();
      assign(assign.target(), evaluate(assign.value(), scope), scope);
    } else if (statement instanceof Node.AssignBlock block) {
      line = block.line();
      StringBuilder captured = new StringBuilder();
      execute(block.body(), scope, captured);
      Object value = captured.toString();
      for (Node.Filter filter : block.filters()) {
        value = applyFilter(filter, value, scope);
      }
      assign(block.target(), value, scope);
    } else if (statement instanceof Node.MacroDef macro) {
      scope.variables.put(macro.name(), macro(macro.parameters(), macro.defaults(), macro.body(), scope));
    } else if (statement instanceof Node.Break brk) {
      line = brk.line();
      if (loopDepth == 0) {
        throw new TemplateException("'break' outside of a loop");
      }
      throw LoopSignal.BREAK;
    } else if (statement instanceof Node.Continue cont) {
      line = cont.line();
      if (loopDepth == 0) {
        throw new TemplateException("'continue' outside of a loop");
      }
      throw LoopSignal.CONTINUE;
    } else if (statement instanceof Node.With with) {
      Scope inner = new Scope(scope);
      List<Object> values = new ArrayList<>();
      for (Expr value : with.values()) {
        values.add(evaluate(value, scope));
      }
      for (int i = 0; i < with.targets().size(); i++) {
        assign(with.targets().get(i), values.get(i), inner);
      }
      execute(with.body(), inner, out);
    } else if (statement instanceof Node.FilterBlock block) {
      line = block.line();
      StringBuilder captured = new StringBuilder();
      execute(block.body(), scope, captured);
      Object value = captured.toString();
      for (Node.Filter filter : block.filters()) {
        value = applyFilter(filter, value, scope);
      }
      out.append(PyValues.str(value));
    } else if (statement instanceof Node.CallBlock block) {
      line = block.line();
      PyCallable caller = macro(block.parameters(), List.of(), block.body(), scope);
      Object callee = evaluate(block.call().callee(), scope);
      List<Object> arguments = new ArrayList<>();
      Map<String, Object> keywords = new LinkedHashMap<>();
      collectArguments(block.call(), scope, arguments, keywords);
      keywords.put("caller", caller);
      out.append(PyValues.str(call(callee, arguments, keywords)));
    } else {
      throw new IllegalStateException("unknown statement " + statement);
    }
  }

  private void executeFor(Node.For loop, Object iterable, Scope scope, StringBuilder out) {
    List<Object> candidates = PyValues.iterate(iterable);
    List<Object> items;
    if (loop.condition() == null) {
      items = candidates;
    } else {
      items = new ArrayList<>();
      for (Object candidate : candidates) {
        Scope probe = new Scope(scope);
        assign(loop.target(), candidate, probe);
        if (PyValues.truthy(evaluate(loop.condition(), probe))) {
          items.add(candidate);
        }
      }
    }
    if (items.isEmpty()) {
      execute(loop.otherwise(), scope, out);
      return;
    }
    PyCallable recursion = loop.recursive() ? (arguments, keywords) -> {
      StringBuilder nested = new StringBuilder();
      executeFor(loop, PyMethods.argument(arguments, 0), scope, nested);
      return nested.toString();
    } : null;
    LoopContext context = new LoopContext(items, loopDepth + 1, recursion);
    loopDepth++;
    try {
      for (int i = 0; i < items.size(); i++) {
        Scope iteration = new Scope(scope);
        assign(loop.target(), items.get(i), iteration);
        context.moveTo(i);
        iteration.variables.put("loop", context);
        try {
          execute(loop.body(), iteration, out);
        } catch (LoopSignal signal) {
          if (signal == LoopSignal.BREAK) {
            break;
          }
        }
      }
    } finally {
      loopDepth--;
    }
  }

  private PyCallable macro(List<String> parameters, List<Expr> defaults, List<Stmt> body, Scope definition) {
    return (arguments, keywords) -> {
      Scope inner = new Scope(definition);
      int firstDefault = parameters.size() - defaults.size();
      List<Object> extraPositional = new ArrayList<>();
      for (int i = 0; i < arguments.size(); i++) {
        if (i < parameters.size()) {
          inner.variables.put(parameters.get(i), arguments.get(i));
        } else {
          extraPositional.add(arguments.get(i));
        }
      }
      Map<String, Object> extraKeywords = new LinkedHashMap<>();
      for (Map.Entry<String, Object> keyword : keywords.entrySet()) {
        if (parameters.contains(keyword.getKey()) || keyword.getKey().equals("caller")) {
          inner.variables.put(keyword.getKey(), keyword.getValue());
        } else {
          extraKeywords.put(keyword.getKey(), keyword.getValue());
        }
      }
      for (int i = 0; i < parameters.size(); i++) {
        if (!inner.variables.containsKey(parameters.get(i))) {
          inner.variables.put(parameters.get(i), i >= firstDefault ? evaluate(defaults.get(i - firstDefault), inner)
              : new Undefined("parameter '" + parameters.get(i) + "' was not provided"));
        }
      }
      inner.variables.put("varargs", new PyTuple(extraPositional));
      inner.variables.put("kwargs", extraKeywords);
      StringBuilder out = new StringBuilder();
      int savedDepth = loopDepth;
      loopDepth = 0;
      try {
        execute(body, inner, out);
      } finally {
        loopDepth = savedDepth;
      }
      return out.toString();
    };
  }

  private void assign(Expr target, Object value, Scope scope) {
    if (target instanceof Node.Name name) {
      scope.variables.put(name.name(), value);
    } else if (target instanceof Node.NamespaceRef reference) {
      Object[] found = new Object[1];
      if (!scope.lookup(reference.namespace(), found) || !(found[0] instanceof Namespace namespace)) {
        throw new TemplateException("cannot assign attribute on non-namespace object");
      }
      namespace.attributes.put(reference.attribute(), value);
    } else if (target instanceof Node.TupleLiteral tuple) {
      List<Object> values = PyValues.iterate(value);
      if (values.size() != tuple.items().size()) {
        throw new TemplateException("ValueError: cannot unpack " + values.size() + " values into "
            + tuple.items().size() + " targets");
      }
      for (int i = 0; i < values.size(); i++) {
        assign(tuple.items().get(i), values.get(i), scope);
      }
    } else {
      throw new TemplateException("cannot assign to " + target);
    }
  }

  private Object lookup(String name, Scope scope) {
    Object[] found = new Object[1];
    if (scope.lookup(name, found)) {
      return found[0];
    }
    if (globals.containsKey(name)) {
      return globals.get(name);
    }
    return new Undefined("'" + name + "' is undefined");
  }

  Object evaluate(Expr expression, Scope scope) {
    if (expression instanceof Node.Const constant) {
      return constant.value();
    }
    if (expression instanceof Node.Name name) {
      return lookup(name.name(), scope);
    }
    if (expression instanceof Node.GetAttr access) {
      return PyValues.getAttribute(evaluate(access.target(), scope), access.attribute());
    }
    if (expression instanceof Node.GetItem access) {
      Object target = evaluate(access.target(), scope);
      Object key = access.key() instanceof Node.Slice slice
          ? new PyValues.SliceValue(evaluateOptional(slice.start(), scope), evaluateOptional(slice.stop(), scope),
              evaluateOptional(slice.step(), scope))
          : evaluate(access.key(), scope);
      return PyValues.getItem(target, key);
    }
    if (expression instanceof Node.ListLiteral list) {
      List<Object> items = new ArrayList<>();
      list.items().forEach(item -> items.add(evaluate(item, scope)));
      return items;
    }
    if (expression instanceof Node.TupleLiteral tuple) {
      List<Object> items = new ArrayList<>();
      tuple.items().forEach(item -> items.add(evaluate(item, scope)));
      return new PyTuple(items);
    }
    if (expression instanceof Node.DictLiteral dict) {
      Map<Object, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < dict.keys().size(); i++) {
        map.put(evaluate(dict.keys().get(i), scope), evaluate(dict.values().get(i), scope));
      }
      return map;
    }
    if (expression instanceof Node.Unary unary) {
      Object operand = evaluate(unary.operand(), scope);
      if (unary.operator().equals("-")) {
        return PyValues.negate(operand);
      }
      if (operand instanceof Undefined undefined) {
        throw undefined.error();
      }
      if (!PyValues.isNumber(operand)) {
        throw new TemplateException("TypeError: bad operand type for unary +: '" + PyValues.typeName(operand) + "'");
      }
      return operand instanceof Boolean bool ? (Object) (bool ? 1L : 0L) : operand;
    }
    if (expression instanceof Node.Binary binary) {
      return PyValues.arithmetic(binary.operator(), evaluate(binary.left(), scope), evaluate(binary.right(), scope));
    }
    if (expression instanceof Node.And and) {
      Object left = evaluate(and.left(), scope);
      return PyValues.truthy(left) ? evaluate(and.right(), scope) : left;
    }
    if (expression instanceof Node.Or or) {
      Object left = evaluate(or.left(), scope);
      return PyValues.truthy(left) ? left : evaluate(or.right(), scope);
    }
    if (expression instanceof Node.Not not) {
      return !PyValues.truthy(evaluate(not.operand(), scope));
    }
    if (expression instanceof Node.Compare compare) {
      Object left = evaluate(compare.first(), scope);
      for (int i = 0; i < compare.operators().size(); i++) {
        Object right = evaluate(compare.operands().get(i), scope);
        if (!compareOnce(compare.operators().get(i), left, right)) {
          return false;
        }
        left = right;
      }
      return true;
    }
    if (expression instanceof Node.Concat concat) {
      StringBuilder out = new StringBuilder();
      concat.parts().forEach(part -> out.append(PyValues.str(evaluate(part, scope))));
      return out.toString();
    }
    if (expression instanceof Node.Conditional conditional) {
      if (PyValues.truthy(evaluate(conditional.test(), scope))) {
        return evaluate(conditional.body(), scope);
      }
      return conditional.otherwise() == null ? new Undefined("the inline if-expression evaluated to false and no "
          + "else section was defined.") : evaluate(conditional.otherwise(), scope);
    }
    if (expression instanceof Node.Call call) {
      Object callee = evaluate(call.callee(), scope);
      List<Object> arguments = new ArrayList<>();
      Map<String, Object> keywords = new LinkedHashMap<>();
      collectArguments(call, scope, arguments, keywords);
      return call(callee, arguments, keywords);
    }
    if (expression instanceof Node.Filter filter) {
      return applyFilter(filter, evaluate(filter.value(), scope), scope);
    }
    if (expression instanceof Node.Test test) {
      Object value = evaluate(test.value(), scope);
      List<Object> arguments = new ArrayList<>();
      test.arguments().forEach(argument -> arguments.add(evaluate(argument, scope)));
      Map<String, Object> keywords = new LinkedHashMap<>();
      for (int i = 0; i < test.keywordNames().size(); i++) {
        keywords.put(test.keywordNames().get(i), evaluate(test.keywordValues().get(i), scope));
      }
      return Builtins.test(this, test.name(), value, arguments, keywords);
    }
    if (expression instanceof Node.Slice) {
      throw new TemplateException("a slice is only valid inside []");
    }
    if (expression instanceof Node.NamespaceRef reference) {
      return PyValues.getAttribute(lookup(reference.namespace(), scope), reference.attribute());
    }
    throw new IllegalStateException("unknown expression " + expression);
  }

  private Object evaluateOptional(Expr expression, Scope scope) {
    return expression == null ? null : evaluate(expression, scope);
  }

  private static boolean compareOnce(String operator, Object left, Object right) {
    return switch (operator) {
      case "==" -> PyValues.equal(left, right);
      case "!=" -> !PyValues.equal(left, right);
      case "<" -> PyValues.compare(left, right, operator) < 0;
      case "<=" -> PyValues.compare(left, right, operator) <= 0;
      case ">" -> PyValues.compare(left, right, operator) > 0;
      case ">=" -> PyValues.compare(left, right, operator) >= 0;
      case "in" -> PyValues.contains(right, left);
      case "notin" -> !PyValues.contains(right, left);
      default -> throw new TemplateException("unknown comparison " + operator);
    };
  }

  private void collectArguments(Node.Call call, Scope scope, List<Object> arguments, Map<String, Object> keywords) {
    call.arguments().forEach(argument -> arguments.add(evaluate(argument, scope)));
    if (call.starArguments() != null) {
      arguments.addAll(PyValues.iterate(evaluate(call.starArguments(), scope)));
    }
    for (int i = 0; i < call.keywordNames().size(); i++) {
      keywords.put(call.keywordNames().get(i), evaluate(call.keywordValues().get(i), scope));
    }
    if (call.starKeywords() != null) {
      Object extra = evaluate(call.starKeywords(), scope);
      if (!(extra instanceof Map<?, ?> map)) {
        throw new TemplateException("TypeError: argument after ** must be a mapping");
      }
      map.forEach((key, value) -> keywords.put(PyValues.str(key), value));
    }
  }

  private static Object call(Object callee, List<Object> arguments, Map<String, Object> keywords) {
    if (callee instanceof PyCallable callable) {
      return callable.call(arguments, keywords);
    }
    if (callee instanceof Undefined undefined) {
      throw undefined.error();
    }
    throw new TemplateException("TypeError: '" + PyValues.typeName(callee) + "' object is not callable");
  }

  private Object applyFilter(Node.Filter filter, Object value, Scope scope) {
    List<Object> arguments = new ArrayList<>();
    filter.arguments().forEach(argument -> arguments.add(evaluate(argument, scope)));
    Map<String, Object> keywords = new LinkedHashMap<>();
    for (int i = 0; i < filter.keywordNames().size(); i++) {
      keywords.put(filter.keywordNames().get(i), evaluate(filter.keywordValues().get(i), scope));
    }
    return Builtins.filter(this, filter.name(), value, arguments, keywords);
  }
}
