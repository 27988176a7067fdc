package dev.quarry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/grafana-dashboard.json is a well-formed dashboard that only queries metrics Quarry exports. */
class GrafanaDashboardTest {

  private static final Path DASHBOARD = Path.of(System.getProperty("quarry.project.dir", "."), "docs", "grafana-dashboard.json");
  private static final Pattern METRIC = Pattern.compile("\\bquarry_[a-z0-9_]+");

  /** Sample names of a scrape in which every recording method has been called. */
  private static Set<String> exportedNames() {
    Metrics metrics = Metrics.create("node-a", "0.1.0");
    metrics.rolloutsGenerated("gpu:0", 16, 100);
    metrics.generationTime("gpu:0", Duration.ofSeconds(2));
    metrics.proofTime("gpu:0", Duration.ofSeconds(1));
    metrics.groupFinished(Metrics.GroupOutcome.COMPLETE);
    metrics.groupDropped(Metrics.GroupOutcome.DROPPED);
    metrics.deviceLoad("gpu:0", 0.5, 1, 2, 3, 4);
    metrics.windowStarted(30, 0);
    metrics.windowProgress(30, 1, 1, 16, 100);
    metrics.windowFinished(Metrics.WindowOutcome.UPLOADED);
    metrics.chainHead(31, 28);
    metrics.phase(MinerPhase.GENERATING);
    metrics.checkpointLoaded(Duration.ofSeconds(10));
    metrics.uploadFinished(true, 1000, Duration.ofSeconds(1));
    metrics.drand(Metrics.DrandResult.VERIFIED, 5, Duration.ofMillis(100));
    metrics.error(Metrics.Component.MINER);
    Set<String> names = new HashSet<>();
    for (String key : PrometheusText.parse(metrics.scrape()).keySet()) {
      names.add(key.contains("{") ? key.substring(0, key.indexOf('{')) : key);
    }
    return names;
  }

  @Test
  void isAGrafanaDashboardModel() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertThat(dashboard.get("title").asText()).isEqualTo("Quarry miner");
    assertThat(dashboard.get("uid").asText()).matches("[a-z0-9-]{1,40}");
    assertThat(dashboard.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
    assertThat(dashboard.get("__inputs").get(0).get("pluginId").asText()).isEqualTo("prometheus");
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(ids.add(panel.get("id").asInt())).as("unique panel id %s", panel.get("id")).isTrue();
      JsonNode grid = panel.get("gridPos");
      assertThat(grid.get("x").asInt() + grid.get("w").asInt()).isLessThanOrEqualTo(24);
      assertThat(panel.get("type").asText()).isIn("row", "stat", "timeseries");
      if (!panel.get("type").asText().equals("row")) {
        Set<String> refIds = new HashSet<>();
        assertThat(panel.get("targets")).isNotEmpty();
        for (JsonNode target : panel.get("targets")) {
          assertThat(refIds.add(target.get("refId").asText())).isTrue();
          String expr = target.get("expr").asText();
          assertThat(expr.chars().filter(c -> c == '(').count()).as(expr).isEqualTo(expr.chars().filter(c -> c == ')').count());
          assertThat(expr.chars().filter(c -> c == '{').count()).as(expr).isEqualTo(expr.chars().filter(c -> c == '}').count());
        }
      }
    }
  }

  @Test
  void queriesOnlyExportedMetrics() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> exported = exportedNames();
    Set<String> queried = new HashSet<>();
    for (JsonNode panel : dashboard.get("panels")) {
      if (panel.has("targets")) {
        for (JsonNode target : panel.get("targets")) {
          Matcher metric = METRIC.matcher(target.get("expr").asText());
          while (metric.find()) {
            queried.add(metric.group());
          }
        }
      }
    }
    Matcher variable = METRIC.matcher(dashboard.get("templating").toString());
    while (variable.find()) {
      queried.add(variable.group());
    }
    assertThat(queried).hasSizeGreaterThan(20);
    assertThat(exported).containsAll(queried);
  }
}
