package dev.quarry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private static final String NODE = "node-a";

  private static String key(String name, String... labels) {
    Map<String, String> map = new java.util.TreeMap<>();
    map.put("node", NODE);
    for (int i = 0; i < labels.length; i += 2) {
      map.put(labels[i], labels[i + 1]);
    }
    return PrometheusText.key(name, map);
  }

  @Test
  void countersAccumulateAcrossScrapes() {
    Metrics metrics = Metrics.create(NODE, "0.1.0");
    metrics.rolloutsGenerated("gpu:0", 16, 5_000);
    Map<String, Double> first = PrometheusText.parse(metrics.scrape());
    metrics.rolloutsGenerated("gpu:0", 16, 7_000);
    metrics.rolloutsGenerated("cpu", 16, 100);
    Map<String, Double> second = PrometheusText.parse(metrics.scrape());

    assertThat(first).containsEntry(key("quarry_rollouts_total", "device", "gpu:0"), 16.0);
    assertThat(second)
        .containsEntry(key("quarry_rollouts_total", "device", "gpu:0"), 32.0)
        .containsEntry(key("quarry_tokens_generated_total", "device", "gpu:0"), 12_000.0)
        .containsEntry(key("quarry_rollouts_total", "device", "cpu"), 16.0);
  }

  @Test
  void histogramsAreInSecondsWithBucketsForLongWork() {
    Metrics metrics = Metrics.create(NODE, "0.1.0");
    metrics.generationTime("gpu:1", Duration.ofSeconds(45));
    metrics.generationTime("gpu:1", Duration.ofMillis(800));
    metrics.uploadFinished(true, 10, Duration.ofSeconds(3));
    Map<String, Double> samples = PrometheusText.parse(metrics.scrape());
    assertThat(samples)
        .containsEntry(key("quarry_generation_seconds_count", "device", "gpu:1"), 2.0)
        .containsEntry(key("quarry_generation_seconds_bucket", "device", "gpu:1", "le", "1.0"), 1.0)
        .containsEntry(key("quarry_generation_seconds_bucket", "device", "gpu:1", "le", "30.0"), 1.0)
        .containsEntry(key("quarry_generation_seconds_bucket", "device", "gpu:1", "le", "60.0"), 2.0)
        .containsEntry(key("quarry_generation_seconds_bucket", "device", "gpu:1", "le", "600.0"), 2.0)
        .containsEntry(key("quarry_upload_seconds_count"), 1.0);
    assertThat(samples.get(key("quarry_generation_seconds_sum", "device", "gpu:1"))).isCloseTo(45.8, org.assertj.core.data.Offset.offset(0.5));
  }

  @Test
  void onlyTheCurrentAndPreviousWindowAreLabelled() {
    Metrics metrics = Metrics.create(NODE, "0.1.0");
    metrics.windowStarted(6_000, 5_970);
    metrics.windowProgress(6_000, 10, 9, 144, 70_000);
    metrics.scrape();
    metrics.windowStarted(6_030, 6_000);
    metrics.windowProgress(6_030, 3, 2, 32, 9_000);
    metrics.windowStarted(6_060, 6_030);
    metrics.windowProgress(6_000, 99, 99, 99, 99);
    Map<String, Double> samples = PrometheusText.parse(metrics.scrape());

    assertThat(samples)
        .containsEntry(key("quarry_window_rollouts", "window", "6030"), 32.0)
        .containsEntry(key("quarry_window_rollouts", "window", "6060"), 0.0)
        .containsEntry(key("quarry_window_start"), 6_060.0)
        .containsEntry(key("quarry_checkpoint_window"), 6_030.0);
    assertThat(samples.keySet()).noneMatch(name -> name.contains("window=\"6000\""));
    assertThat(PrometheusText.parse(metrics.scrape())).containsEntry(key("quarry_window_groups", "window", "6030"), 2.0);
  }

  @Test
  void exactlyOnePhaseIsActive() {
    Metrics metrics = Metrics.create(NODE, "0.1.0");
    metrics.phase(MinerPhase.UPLOADING);
    Map<String, Double> samples = PrometheusText.parse(metrics.scrape());
    assertThat(samples).containsEntry(key("quarry_phase", "phase", "uploading"), 1.0);
    double active = 0;
    for (MinerPhase phase : MinerPhase.values()) {
      active += samples.get(key("quarry_phase", "phase", phase.name().toLowerCase()));
    }
    assertThat(active).isEqualTo(1.0);
  }

  @Test
  void uploadsDrandErrorsAndLoadAreExported() {
    Metrics metrics = Metrics.create(NODE, "0.1.0");
    metrics.uploadFinished(true, 2_000_000, Duration.ofSeconds(4));
    metrics.uploadFinished(false, 0, Duration.ofSeconds(90));
    metrics.drand(Metrics.DrandResult.VERIFIED, 30663002, Duration.ofMillis(120));
    metrics.error(Metrics.Component.CHAIN);
    metrics.groupFinished(Metrics.GroupOutcome.SKIPPED_TOO_LONG);
    metrics.windowFinished(Metrics.WindowOutcome.UPLOADED);
    metrics.chainHead(6_522_038, 21);
    metrics.deviceLoad("gpu:0", 0.93, 70_000_000_000L, 80_000_000_000L, 48, 1_250.5);
    metrics.checkpointLoaded(Duration.ofSeconds(40));
    Map<String, Double> samples = PrometheusText.parse(metrics.scrape());
    assertThat(samples)
        .containsEntry(key("quarry_uploads_total", "outcome", "success"), 1.0)
        .containsEntry(key("quarry_uploads_total", "outcome", "failure"), 1.0)
        .containsEntry(key("quarry_uploaded_bytes_total"), 2_000_000.0)
        .containsEntry(key("quarry_drand_beacons_total", "outcome", "verified"), 1.0)
        .containsEntry(key("quarry_use_drand"), 1.0)
        .containsEntry(key("quarry_drand_round"), 30_663_002.0)
        .containsEntry(key("quarry_errors_total", "component", "chain"), 1.0)
        .containsEntry(key("quarry_groups_total", "outcome", "skipped_too_long"), 1.0)
        .containsEntry(key("quarry_windows_total", "outcome", "uploaded"), 1.0)
        .containsEntry(key("quarry_current_block"), 6_522_038.0)
        .containsEntry(key("quarry_blocks_left"), 21.0)
        .containsEntry(key("quarry_device_utilization_ratio", "device", "gpu:0"), 0.93)
        .containsEntry(key("quarry_device_memory_used_bytes", "device", "gpu:0"), 7.0e10)
        .containsEntry(key("quarry_device_memory_total_bytes", "device", "gpu:0"), 8.0e10)
        .containsEntry(key("quarry_active_sequences", "device", "gpu:0"), 48.0)
        .containsEntry(key("quarry_tokens_per_second", "device", "gpu:0"), 1_250.5)
        .containsEntry(key("quarry_checkpoint_load_seconds_count"), 1.0)
        .containsEntry(key("quarry_build_info", "version", "0.1.0"), 1.0);
    assertThat(samples.get(key("quarry_last_upload_timestamp_seconds"))).isGreaterThan(1.7e9);
    assertThat(samples.get(key("quarry_jvm_heap_used_bytes"))).isPositive();
    assertThat(samples.get(key("quarry_process_uptime_seconds"))).isNotNegative();
  }

  @Test
  void everyFamilyIsQuarrysAndTyped() {
    Metrics metrics = Metrics.create(NODE, "0.1.0");
    metrics.rolloutsGenerated("cpu", 1, 1);
    String text = metrics.scrape();
    PrometheusText.parse(text);
    assertThat(PrometheusText.types(text).keySet()).allMatch(name -> name.startsWith("quarry_"));
    assertThat(PrometheusText.types(text)).containsEntry("quarry_rollouts_total", "counter").containsEntry("quarry_phase", "gauge");
  }

  @Test
  void labelsComeOnlyFromCheckedValues() {
    Metrics metrics = Metrics.create(NODE, "0.1.0");
    assertThatThrownBy(() -> metrics.rolloutsGenerated("gpu 0\"}", 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> metrics.rolloutsGenerated("", 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Metrics.create("bad node", "0.1.0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void instancesDoNotShareState() {
    Metrics one = Metrics.create("one", "0.1.0");
    Metrics two = Metrics.create("two", "0.1.0");
    one.rolloutsGenerated("cpu", 5, 5);
    assertThat(two.scrape()).doesNotContain("quarry_rollouts_total");
  }
}
