package dev.quarry.storage.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.env.ThinkingMode;
import dev.quarry.storage.EmbeddedS3Fixture;
import dev.quarry.storage.StorageTestResources;
import dev.quarry.storage.objectstore.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The consumer against the embedded S3 server, fed with the checkpoint chain the reference publisher lays out. */
class CheckpointConsumerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path serverDirectory;
  private static EmbeddedS3Fixture s3;

  @TempDir Path cache;
  private ObjectStore bucket;

  @BeforeAll
  static void startServer() {
    s3 = EmbeddedS3Fixture.start(serverDirectory);
  }

  @AfterAll
  static void stopServer() {
    s3.close();
  }

  @BeforeEach
  void fillBucket() throws IOException {
    bucket = s3.newBucket();
    ReferenceBucket.upload(bucket);
  }

  @AfterEach
  void closeBucket() {
    bucket.close();
  }

  private CheckpointConsumer consumer() {
    return new CheckpointConsumer(bucket, cache);
  }

  private static String weightsHash(Path directory) throws IOException {
    try (CheckpointWeights weights = CheckpointWeights.open(directory)) {
      return weights.weightsHash();
    }
  }

  private void assertCacheHolds(long... windows) throws IOException {
    try (Stream<Path> children = Files.list(cache)) {
      assertThat(children.map(path -> path.getFileName().toString()).sorted().toList())
          .containsExactlyElementsOf(Arrays.stream(windows).mapToObj(window -> "checkpoint-" + window).sorted().toList());
    }
  }

  @Test
  void theReadyRulePicksTheLatestReadyBeforeTheWindow() throws IOException {
    ReferenceBucket.markAllReady(bucket);
    CheckpointConsumer consumer = consumer();
    assertThat(consumer.latestReadyCheckpoint(30)).isEmpty();
    assertThat(consumer.latestReadyCheckpoint(31)).hasValue(0);
    assertThat(consumer.latestReadyCheckpoint(60)).hasValue(0);
    assertThat(consumer.latestReadyCheckpoint(61)).hasValue(30);
    assertThat(consumer.latestReadyCheckpoint(120)).hasValue(60);
    // same ready window: the larger checkpoint wins; stray keys are ignored
    bucket.put(CheckpointKeys.readyMarkerKey(90, 90), new byte[0]);
    bucket.put(CheckpointKeys.PREFIX + "checkpoint-x/READY-5", new byte[0]);
    assertThat(consumer.latestReadyCheckpoint(120)).hasValue(90);
  }

  @Test
  void aReferenceDeltaChainIsRebuiltToThePublishedHash() throws Exception {
    ReferenceBucket.markAllReady(bucket);
    CheckpointConsumer consumer = consumer();
    LocalCheckpoint checkpoint = consumer.prepare(120).orElseThrow();
    assertThat(checkpoint.window()).isEqualTo(60);
    assertThat(checkpoint.source()).isEqualTo(LocalCheckpoint.Source.DELTA_REBUILD);
    assertThat(weightsHash(checkpoint.directory())).isEqualTo(ReferenceBucket.expectedHash(60));
    assertThat(checkpoint.directory().resolve("config.json")).hasBinaryContent(
        StorageTestResources.bytes("checkpoints/checkpoint-0/FULL/config.json"));
    assertThat(checkpoint.directory().resolve("tokenizer.json")).exists();
    assertThat(checkpoint.metadata().envId()).hasValue("triton_kernel");
    assertThat(checkpoint.metadata().thinkingMode()).isEqualTo(ThinkingMode.INSTRUCTED);
    GenerationParams generation = checkpoint.metadata().generationParams();
    assertThat(generation.maxNewTokens()).isEqualTo(2048);
    assertThat(generation.topK()).hasValue(50);
    assertThat(generation.temperature()).isEqualTo(0.7);
    // the FULL base was cached on the way; both verify again from disk in a new consumer
    assertCacheHolds(0, 60);
    CheckpointConsumer restarted = consumer();
    assertThat(restarted.ensureLocal(60).source()).isEqualTo(LocalCheckpoint.Source.CACHE);
    // the previous checkpoint rebuilds from the cached FULL with one delta
    LocalCheckpoint previous = restarted.prepare(90).orElseThrow();
    assertThat(previous.window()).isEqualTo(30);
    assertThat(weightsHash(previous.directory())).isEqualTo(ReferenceBucket.expectedHash(30));
  }

  @Test
  void aFullCheckpointIsDownloadedAndVerified() throws IOException {
    ReferenceBucket.markAllReady(bucket);
    LocalCheckpoint full = consumer().ensureLocal(0);
    assertThat(full.source()).isEqualTo(LocalCheckpoint.Source.FULL_DOWNLOAD);
    assertThat(full.directory().resolve("model.safetensors"))
        .hasBinaryContent(StorageTestResources.bytes("delta/base.safetensors"));
    assertThat(weightsHash(full.directory())).isEqualTo(ReferenceBucket.expectedHash(0));
  }

  @Test
  void aCheckpointWithoutReadyMarkerIsNotUsed() throws IOException {
    bucket.put(CheckpointKeys.readyMarkerKey(0, 30), new byte[0]);
    assertThatThrownBy(() -> consumer().ensureLocal(60))
        .isInstanceOf(CheckpointNotReadyException.class).hasMessageContaining("checkpoint-60 has no READY marker");
    assertCacheHolds();
  }

  @Test
  void aTamperedDeltaIsRefusedAndNothingIsCached() throws IOException {
    ReferenceBucket.markAllReady(bucket);
    byte[] delta = StorageTestResources.bytes("delta/delta2_v3.1.bin.zst");
    delta[delta.length / 2] ^= 0x20;
    bucket.put(CheckpointKeys.PREFIX + "checkpoint-60/DELTA/delta_sparse.bin.zst", delta);
    assertThatThrownBy(() -> consumer().ensureLocal(60))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("checkpoint-60/DELTA: delta_sparse.bin.zst has sha256")
        .hasMessageContaining("but the manifest says");
    assertCacheHolds(0);
  }

  @Test
  void aTruncatedDeltaIsRefusedEvenWhenTheManifestMatchesIt() throws IOException {
    ReferenceBucket.markAllReady(bucket);
    byte[] delta = StorageTestResources.bytes("delta/delta2_v3.1.bin.zst");
    byte[] truncated = Arrays.copyOf(delta, delta.length - 30);
    bucket.put(CheckpointKeys.PREFIX + "checkpoint-60/DELTA/delta_sparse.bin.zst", truncated);
    ObjectNode metadata = metadataJson("checkpoint-60/DELTA/metadata.json");
    ((ObjectNode) metadata.get("file_manifest")).put("delta_sparse.bin.zst", CheckpointFiles.sha256(truncated));
    bucket.put(CheckpointKeys.PREFIX + "checkpoint-60/DELTA/metadata.json", JSON.writeValueAsBytes(metadata));
    assertThatThrownBy(() -> consumer().ensureLocal(60))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("truncated or corrupt");
    assertCacheHolds(0);
  }

  @Test
  void aWrongWeightsHashIsRefused() throws IOException {
    ReferenceBucket.markAllReady(bucket);
    ObjectNode metadata = metadataJson("checkpoint-30/DELTA/metadata.json");
    metadata.put("weights_hash", ReferenceBucket.expectedHash(0));
    bucket.put(CheckpointKeys.PREFIX + "checkpoint-30/DELTA/metadata.json", JSON.writeValueAsBytes(metadata));
    assertThatThrownBy(() -> consumer().ensureLocal(30))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("weights hash " + ReferenceBucket.expectedHash(30))
        .hasMessageContaining("published weights_hash is " + ReferenceBucket.expectedHash(0));
    assertCacheHolds(0);
  }

  @Test
  void aFullCheckpointWithAWrongFileIsRefused() throws IOException {
    ReferenceBucket.markAllReady(bucket);
    bucket.put(CheckpointKeys.PREFIX + "checkpoint-0/FULL/config.json", "{}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> consumer().ensureLocal(0))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("config.json has sha256");
    assertCacheHolds();
  }

  @Test
  void aBrokenChainIsRefused() throws IOException {
    ReferenceBucket.markAllReady(bucket);
    bucket.delete(CheckpointKeys.PREFIX + "checkpoint-30/DELTA/metadata.json");
    assertThatThrownBy(() -> consumer().ensureLocal(60))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("broken delta chain: checkpoint-60 needs checkpoint-30");
    assertCacheHolds();
  }

  @Test
  void aCorruptedCacheEntryIsRemovedAndFetchedAgain() throws IOException {
    ReferenceBucket.markAllReady(bucket);
    Path weights = consumer().ensureLocal(0).directory().resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 1] ^= 1;
    Files.write(weights, bytes);
    LocalCheckpoint again = consumer().ensureLocal(0);
    assertThat(again.source()).isEqualTo(LocalCheckpoint.Source.FULL_DOWNLOAD);
    assertThat(weights).hasBinaryContent(StorageTestResources.bytes("delta/base.safetensors"));
  }

  @Test
  void unusableGenerationParametersSkipTheWindow() throws IOException {
    ReferenceBucket.markAllReady(bucket);
    ObjectNode metadata = metadataJson("checkpoint-60/DELTA/metadata.json");
    ((ObjectNode) metadata.get("generation_params")).put("temperature", 3.0).remove("top_k");
    metadata.put("thinking_mode", "verbose");
    bucket.put(CheckpointKeys.PREFIX + "checkpoint-60/DELTA/metadata.json", JSON.writeValueAsBytes(metadata));
    assertThatThrownBy(() -> consumer().prepare(120))
        .isInstanceOf(InvalidCheckpointMetadataException.class)
        .hasMessageContaining("thinking_mode 'verbose'")
        .hasMessageContaining("generation_params.top_k is missing");
  }

  @Test
  void retentionKeepsRecentWindowsAndDropsAbandonedDownloads() throws IOException {
    for (long window : List.of(0L, 30L, 300L, 570L, 600L, 630L, 660L)) {
      Files.createDirectories(cache.resolve("checkpoint-" + window));
    }
    Path abandoned = cache.resolve("checkpoint-690.999999999.abcd1234.partial");
    Path live = cache.resolve("checkpoint-690." + ProcessHandle.current().pid() + ".abcd1234.partial");
    Files.createDirectories(abandoned);
    Files.createDirectories(live);
    new CheckpointConsumer(bucket, cache, CheckpointRetention.defaults(), 3).retain(660);
    // retention windows for 660: bootstrap 0..270 and 300..690; newest three of those survive
    try (Stream<Path> children = Files.list(cache)) {
      assertThat(children.map(path -> path.getFileName().toString()).sorted().toList())
          .containsExactly("checkpoint-600", "checkpoint-630", "checkpoint-660", live.getFileName().toString());
    }
  }

  private static ObjectNode metadataJson(String file) throws IOException {
    return (ObjectNode) JSON.readTree(StorageTestResources.bytes("checkpoints/" + file));
  }
}
