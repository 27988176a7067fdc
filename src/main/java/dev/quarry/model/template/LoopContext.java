package dev.quarry.model.template;

import java.util.ArrayList;
import java.util.List;

/** The {@code loop} variable inside a for loop, with Jinja2's attributes. */
final class LoopContext implements PyCallable {

  private final List<Object> items;
  private final int depth;
  private int index;
  private List<Object> lastChanged;
  final PyCallable recursion;

  LoopContext(List<Object> items, int depth, PyCallable recursion) {
    this.items = items;
    this.depth = depth;
    this.recursion = recursion;
  }

  void moveTo(int position) {
    index = position;
  }

  /** The attribute's value; null also for previtem/nextitem at the edges (Jinja2 gives undefined there). */
  Object attribute(String name) {
    int length = items.size();
    return switch (name) {
      case "index" -> (long) index + 1;
      case "index0" -> (long) index;
      case "revindex" -> (long) (length - index);
      case "revindex0" -> (long) (length - index - 1);
      case "first" -> index == 0;
      case "last" -> index == length - 1;
      case "length" -> (long) length;
      case "depth" -> (long) depth;
      case "depth0" -> (long) depth - 1;
      case "previtem" -> index > 0 ? items.get(index - 1) : new Undefined("there is no previous item");
      case "nextitem" -> index < length - 1 ? items.get(index + 1) : new Undefined("there is no next item");
      case "cycle" -> (PyCallable) (arguments, keywords) -> {
        if (arguments.isEmpty()) {
          throw new TemplateException("TypeError: no items for cycling given");
        }
        return arguments.get(index % arguments.size());
      };
      case "changed" -> (PyCallable) (arguments, keywords) -> {
        List<Object> current = new ArrayList<>(arguments);
        boolean changed = lastChanged == null || !PyValues.equal(lastChanged, current);
        lastChanged = current;
        return changed;
      };
      default -> null;
    };
  }

  /** {@code loop(children)} in a {@code recursive} for loop renders the body for the children. */
  @Override
  public Object call(List<Object> arguments, java.util.Map<String, Object> keywords) {
    if (recursion == null) {
      throw new TemplateException("TypeError: 'LoopContext' object is not callable (the loop is not recursive)");
    }
    return recursion.call(arguments, keywords);
  }

  @Override
  public String toString() {
    return "<LoopContext " + (index + 1) + "/" + items.size() + ">";
  }
}
