package dev.quarry.storage.window;

import java.util.Objects;

/** {@code commit.model}: the model name the miner signed and the proof layer (always -1 in v5). */
public record ModelInfo(String name, int layerIndex) {
  public ModelInfo {
    Objects.requireNonNull(name, "name");
  }
}
