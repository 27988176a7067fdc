package dev.quarry.model.template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The object {@code namespace(...)} returns: the one mutable value a template may assign
 * attributes to ({@code {% set ns.found = true %}}), so state can cross loop iterations.
 */
final class Namespace {

  final Map<String, Object> attributes = new LinkedHashMap<>();

  @Override
  public String toString() {
    return "<Namespace " + PyValues.repr(attributes) + ">";
  }
}
