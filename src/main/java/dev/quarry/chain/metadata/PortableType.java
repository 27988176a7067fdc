package dev.quarry.chain.metadata;

import java.util.List;

/** A registry entry: its id, its Rust path (e.g. {@code sp_core::crypto::AccountId32}) and definition. */
public record PortableType(int id, List<String> path, TypeDef definition) {
  public String pathString() {
    return path.isEmpty() ? "#" + id : String.join("::", path);
  }
}
