package dev.quarry.model.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A Python tuple: behaves like a list but prints with parentheses. Items may be null (None). */
record PyTuple(List<Object> items) {
  PyTuple {
    items = Collections.unmodifiableList(new ArrayList<>(items));
  }
}
