package dev.quarry.mining;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import dev.quarry.config.NodeSettings;
import dev.quarry.config.Variable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in {@code k8s/} parse, and agree with the code: the pods carry the label
 * Cluster Bootstrap looks for, the service account may list pods, probes hit /ready and /health,
 * ports are the configured ones, workers ask for GPUs, and every variable they set is one Quarry
 * reads — with secrets only in Secrets, never in the ConfigMap. No cluster exists here, so this is
 * what can be checked.
 */
class KubernetesManifestsTest {

  private static final Path K8S = Path.of(System.getProperty("quarry.project.dir", "."), "k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> POD_VARIABLES = Set.of("POD_IP", "JAVA_OPTS");

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (iterator.hasNext()) {
        JsonNode document = iterator.next();
        if (document != null && !document.isNull() && !document.isEmpty()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  private static List<JsonNode> all() throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".yaml")).sorted().toList()) {
        documents.addAll(documents(file));
      }
    }
    return documents;
  }

  private static JsonNode find(List<JsonNode> documents, String kind, String name) {
    return documents.stream().filter(doc -> doc.path("kind").asText().equals(kind) && doc.path("metadata").path("name").asText().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in k8s/"));
  }

  @Test
  void everyManifestIsWellFormedAndListedInTheKustomization() throws IOException {
    List<JsonNode> documents = all();
    for (JsonNode document : documents) {
      assertThat(document.path("apiVersion").asText()).as(document.toString()).isNotEmpty();
      assertThat(document.path("kind").asText()).isNotEmpty();
      if (!document.path("kind").asText().equals("Kustomization")) {
        assertThat(document.path("metadata").path("name").asText()).isNotEmpty();
      }
      if (!List.of("Namespace", "Kustomization").contains(document.path("kind").asText())) {
        assertThat(document.path("metadata").path("namespace").asText()).as(document.path("metadata").toString()).isEqualTo("quarry");
      }
    }
    JsonNode kustomization = documents(K8S.resolve("kustomization.yaml")).get(0);
    Set<String> listed = new HashSet<>();
    kustomization.path("resources").forEach(resource -> listed.add(resource.asText()));
    try (Stream<Path> files = Files.list(K8S)) {
      Set<String> manifests = new HashSet<>(files.map(path -> path.getFileName().toString())
          .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml") && !name.endsWith(".example.yaml")).toList());
      assertThat(listed).isEqualTo(manifests);
    }
  }

  @Test
  void podsAreFoundByClusterBootstrapAndProbedOnTheManagementEndpoint() throws IOException {
    List<JsonNode> documents = all();
    Config config = MiningCluster.config("");
    String selector = String.format(config.getString("pekko.discovery.kubernetes-api.pod-label-selector"),
        config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
    assertThat(selector).isEqualTo("app=quarry");
    JsonNode configMap = find(documents, "ConfigMap", "quarry-config");
    for (String name : List.of("quarry-coordinator", "quarry-worker")) {
      JsonNode set = find(documents, "StatefulSet", name);
      JsonNode pod = set.path("spec").path("template");
      assertThat(pod.path("metadata").path("labels").path("app").asText()).isEqualTo("quarry");
      assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo("quarry");
      JsonNode container = pod.path("spec").path("containers").get(0);
      assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
      assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
      List<Integer> ports = new ArrayList<>();
      container.path("ports").forEach(port -> ports.add(port.path("containerPort").asInt()));
      assertThat(ports).contains(configMap.path("data").path("QUARRY_MANAGEMENT_PORT").asInt(),
          config.getInt("pekko.management.http.port"), configMap.path("data").path("QUARRY_CLUSTER_PORT").asInt());
      String roles = null;
      for (JsonNode env : container.path("env")) {
        String variable = env.path("name").asText();
        assertThat(Variable.named(variable).isPresent() || POD_VARIABLES.contains(variable)).as(variable).isTrue();
        if (variable.equals("QUARRY_NODE_ROLES")) {
          roles = env.path("value").asText();
        }
        if (variable.equals("JAVA_OPTS")) {
          assertThat(env.path("value").asText()).contains("-Dquarry.cluster.bootstrap=kubernetes");
        }
      }
      assertThat(roles).isNotNull();
      assertThat(NodeSettings.KNOWN_ROLES).containsAll(List.of(roles.split(",")));
      if (name.equals("quarry-worker")) {
        assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asInt()).isPositive();
        assertThat(roles).isEqualTo("worker");
      } else {
        assertThat(roles).contains("coordinator");
        assertThat(set.path("spec").path("replicas").asInt()).as("a second coordinator to take the singleton over").isGreaterThanOrEqualTo(2);
      }
    }
    JsonNode role = find(documents, "Role", "quarry-pod-reader");
    assertThat(role.path("rules").get(0).path("resources").toString()).contains("pods");
    assertThat(role.path("rules").get(0).path("verbs").toString()).contains("list").contains("watch").contains("get");
    JsonNode binding = find(documents, "RoleBinding", "quarry-pod-reader");
    assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo("quarry");
    JsonNode metrics = find(documents, "Service", "quarry-metrics");
    assertThat(metrics.path("spec").path("selector").path("app").asText()).isEqualTo("quarry");
    assertThat(metrics.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(9180);
  }

  @Test
  void secretsLiveInSecretsAndTheConfigMapHoldsOnlyVariablesQuarryReads() throws IOException {
    JsonNode configMap = find(all(), "ConfigMap", "quarry-config");
    configMap.path("data").fieldNames().forEachRemaining(name -> {
      assertThat(Variable.named(name)).as(name).isPresent();
      assertThat(Variable.named(name).get().secret()).as(name + " is a secret and belongs in the Secret").isFalse();
    });
    JsonNode secret = find(documents(K8S.resolve("secret.example.yaml")), "Secret", "quarry-env");
    secret.path("stringData").fieldNames().forEachRemaining(name -> {
      assertThat(Variable.named(name)).as(name).isPresent();
      assertThat(Variable.named(name).get().secret()).as(name).isTrue();
    });
  }
}
