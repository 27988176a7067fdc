package dev.quarry.god;

import java.util.Optional;

/**
 * The tournament families a G.O.D validator asks about, as the last path segment of {@code GET
 * /training_repo/{task_type}} (G.O.D's {@code TournamentType}).
 */
public enum TournamentType {
  TEXT("text"),
  IMAGE("image"),
  ENVIRONMENT("environment");

  private final String wireName;

  TournamentType(String wireName) {
    this.wireName = wireName;
  }

  /** The path segment and enum value validators use, e.g. {@code "text"}. */
  public String wireName() {
    return wireName;
  }

  /** The type named exactly {@code name} (case-sensitive, as pydantic's enum validation is). */
  public static Optional<TournamentType> fromWireName(String name) {
    for (TournamentType type : values()) {
      if (type.wireName.equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
