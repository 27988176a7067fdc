package dev.quarry.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * This node's place in the cluster, as far as the environment overrides {@code conf/quarry.conf}.
 * Empty values mean "keep what the HOCON files say"; {@link ClusterConfiguration} layers the
 * present ones on top.
 */
public record NodeSettings(
    Optional<List<String>> roles,
    Optional<String> clusterHost,
    OptionalInt clusterPort,
    Optional<List<String>> seedNodes,
    Optional<String> managementHost,
    OptionalInt managementPort) {

  /** Roles Quarry assigns work by; others are accepted for future subsystems and custom deployments. */
  public static final Set<String> KNOWN_ROLES = Set.of("coordinator", "worker", "god");

  /** No overrides. */
  public static NodeSettings none() {
    return new NodeSettings(
        Optional.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty());
  }

  static List<String> parseRoles(String value) {
    return Values.list(value, role -> {
      if (!role.matches("[a-z][a-z0-9-]*")) {
        throw new IllegalArgumentException("is not a role name (lowercase letters, digits, '-')");
      }
      return role;
    });
  }

  /**
   * The HOCON paths and values these settings override, given the actor system name the seed node
   * addresses must carry.
   */
  public Map<String, Object> hoconOverrides(String actorSystemName) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    roles.ifPresent(list -> overrides.put("pekko.cluster.roles", list));
    clusterHost.ifPresent(host -> overrides.put("pekko.remote.artery.canonical.hostname", host));
    clusterPort.ifPresent(port -> overrides.put("pekko.remote.artery.canonical.port", port));
    seedNodes.ifPresent(nodes -> overrides.put(
        "pekko.cluster.seed-nodes",
        nodes.stream().map(node -> "pekko://" + actorSystemName + "@" + node).toList()));
    managementHost.ifPresent(host -> overrides.put("quarry.management.host", host));
    managementPort.ifPresent(port -> overrides.put("quarry.management.port", port));
    return overrides;
  }
}
