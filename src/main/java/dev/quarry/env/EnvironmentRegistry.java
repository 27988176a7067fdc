package dev.quarry.env;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Environments by id. The checkpoint's {@code env_id} names the live one; other helpers register
 * MBPP, HumanEval and triton_kernel next to SAT, GSM8K and MATH.
 */
public final class EnvironmentRegistry {

  private final Map<String, Environment> environments;

  private EnvironmentRegistry(Map<String, Environment> environments) {
    this.environments = Collections.unmodifiableMap(new LinkedHashMap<>(environments));
  }

  /** A registry of the given environments; ids must be distinct. */
  public static EnvironmentRegistry of(Environment... environments) {
    Map<String, Environment> byId = new LinkedHashMap<>();
    for (Environment environment : environments) {
      if (byId.putIfAbsent(environment.id(), environment) != null) {
        throw new IllegalArgumentException("two environments share the id '" + environment.id() + "'");
      }
    }
    return new EnvironmentRegistry(byId);
  }

  /** This registry plus {@code environment} (replacing one with the same id). */
  public EnvironmentRegistry with(Environment environment) {
    Map<String, Environment> byId = new LinkedHashMap<>(environments);
    byId.put(environment.id(), environment);
    return new EnvironmentRegistry(byId);
  }

  public Optional<Environment> find(String id) {
    return Optional.ofNullable(environments.get(id));
  }

  /** The environment with this id, or an error listing the registered ones. */
  public Environment get(String id) {
    Environment environment = environments.get(id);
    if (environment == null) {
      throw new IllegalArgumentException("no environment '" + id + "' is registered; known: " + environments.keySet());
    }
    return environment;
  }

  public Set<String> ids() {
    return environments.keySet();
  }
}
