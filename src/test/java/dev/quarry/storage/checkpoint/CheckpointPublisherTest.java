package dev.quarry.storage.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.storage.EmbeddedS3Fixture;
import dev.quarry.storage.StorageTestResources;
import dev.quarry.storage.objectstore.ObjectInfo;
import dev.quarry.storage.objectstore.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our publisher (the embedded default's trainer) through the embedded S3 server to our consumer:
 * the path a miner on the local network takes, with the reference's tensors as model states.
 */
class CheckpointPublisherTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode VECTORS = StorageTestResources.json("delta/vectors.json");

  @TempDir static Path serverDirectory;
  private static EmbeddedS3Fixture s3;

  @TempDir Path work;

  @BeforeAll
  static void startServer() {
    s3 = EmbeddedS3Fixture.start(serverDirectory);
  }

  @AfterAll
  static void stopServer() {
    s3.close();
  }

  /** A model directory as the local trainer would hand over: weights plus config and tokenizer. */
  private Path modelDirectory(String name, String weights) throws IOException {
    Path directory = work.resolve("models").resolve(name);
    StorageTestResources.copy("delta/" + weights, directory, "model.safetensors");
    StorageTestResources.copy("checkpoints/checkpoint-0/FULL/config.json", directory, "config.json");
    StorageTestResources.copy("checkpoints/checkpoint-0/FULL/tokenizer.json", directory, "tokenizer.json");
    Files.writeString(directory.resolve("chat_template.jinja"), "{{ messages }}");
    return directory;
  }

  private static String weightsHash(Path directory) throws IOException {
    try (CheckpointWeights weights = CheckpointWeights.open(directory)) {
      return weights.weightsHash();
    }
  }

  @Test
  void fullThenDeltasReachTheConsumerExactlyInEveryCodec() throws Exception {
    for (DeltaFormat format : DeltaFormat.values()) {
      try (ObjectStore bucket = s3.newBucket()) {
        CheckpointPublisher publisher = new CheckpointPublisher(bucket,
            PublisherSettings.defaults("gsm8k").withDeltaFormat(format), work.resolve("publisher-" + format), Optional.empty());
        CheckpointPublisher.PublishedCheckpoint first = publisher.publish(30, modelDirectory("a", "base.safetensors"));
        publisher.markReady(30, 60);
        CheckpointPublisher.PublishedCheckpoint second = publisher.publish(60, modelDirectory("b", "step1.safetensors"));
        publisher.markReady(60, 90);
        CheckpointPublisher.PublishedCheckpoint third = publisher.publish(90, modelDirectory("c", "step2.safetensors"));
        publisher.markReady(90, 120);
        assertThat(first.type()).isEqualTo(CheckpointType.FULL);
        assertThat(second.type()).isEqualTo(CheckpointType.DELTA);
        assertThat(third.type()).isEqualTo(CheckpointType.DELTA);
        assertThat(third.weightsHash()).isEqualTo(VECTORS.get("step2_hash").asText());

        CheckpointConsumer consumer = new CheckpointConsumer(bucket, work.resolve("cache-" + format));
        LocalCheckpoint latest = consumer.prepare(150).orElseThrow();
        assertThat(latest.window()).isEqualTo(90);
        assertThat(latest.source()).isEqualTo(LocalCheckpoint.Source.DELTA_REBUILD);
        assertThat(weightsHash(latest.directory())).as(format.formatName()).isEqualTo(VECTORS.get("step2_hash").asText());
        assertThat(latest.directory().resolve("chat_template.jinja")).hasContent("{{ messages }}");
        assertThat(latest.metadata().envId()).hasValue("gsm8k");
        assertThat(latest.metadata().generationParams().maxNewTokens()).isEqualTo(2048);

        JsonNode deltaInfo = JSON.readTree(bucket.get(CheckpointKeys.PREFIX + "checkpoint-60/DELTA/delta_metadata.json"));
        assertThat(deltaInfo.get("format").asText()).isEqualTo(format.formatName());
        assertThat(deltaInfo.get("prev_window").asLong()).isEqualTo(30);
        assertThat(deltaInfo.get("nonzero_params").asLong())
            .isEqualTo(VECTORS.get("delta1").get("stats").get("nonzero_params").asLong());
      }
    }
  }

  @Test
  void ourDeltaIsTheReferencesDeltaByteForByte() throws IOException {
    List<TensorDelta> delta = CheckpointPublisher.computeDelta(modelDirectory("a", "base.safetensors"),
        modelDirectory("b", "step1.safetensors")).orElseThrow();
    for (JsonNode encoding : VECTORS.get("delta1").get("encodings")) {
      DeltaFormat format = DeltaFormat.fromFormatName(encoding.get("format").asText());
      assertThat(CheckpointFiles.sha256(SparseDeltaCodec.encodePayload(format, delta))).as(format.formatName())
          .isEqualTo(encoding.get("payload_sha256").asText());
    }
  }

  @Test
  void metadataIsWrittenAsThePythonPublisherWritesIt() throws IOException {
    for (String file : List.of("checkpoint-0/FULL/metadata.json", "checkpoint-30/DELTA/metadata.json",
        "checkpoint-30/DELTA/delta_metadata.json")) {
      String reference = new String(StorageTestResources.bytes("checkpoints/" + file), StandardCharsets.UTF_8);
      assertThat(CheckpointFiles.metadataText(JSON.readTree(reference))).as(file).isEqualTo(reference);
    }
    JsonNode reference = JSON.readTree(StorageTestResources.bytes("checkpoints/checkpoint-30/DELTA/metadata.json"));
    assertThat(CheckpointFiles.configHash(reference.get("training_config"))).isEqualTo(reference.get("config_hash").asText());
  }

  @Test
  void anchorsGetAFullTooAndRetentionKeepsChainsWhole() throws Exception {
    try (ObjectStore bucket = s3.newBucket()) {
      // anchors every 2 windows (60 blocks) to exercise the schedule quickly
      PublisherSettings settings = PublisherSettings.defaults("gsm8k")
          .withRetention(new CheckpointRetention(30, 2, 0, 1));
      settings = new PublisherSettings(settings.envId(), settings.envParams(), settings.generationParams(),
          settings.thinkingMode(), settings.trainingConfig(), settings.gitCommit(), settings.modelName(),
          settings.deltaFormat(), settings.retention(), 1, 2);
      List<String> states = List.of("base.safetensors", "step1.safetensors", "step2.safetensors", "mixed_expected.safetensors");
      CheckpointPublisher publisher = new CheckpointPublisher(bucket, settings, work.resolve("publisher"), Optional.of(
          message -> "ab" + Integer.toHexString(new String(message, StandardCharsets.UTF_8).length())));
      List<CheckpointPublisher.PublishedCheckpoint> published = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long window = 30L * (i + 1);
        published.add(publisher.publish(window, modelDirectory("m" + i, states.get(i % states.size()))));
        publisher.markReady(window, window + 30);
      }
      // 30: first, FULL only. Then DELTAs, with a FULL as well at anchors (multiples of 60 blocks).
      assertThat(published).extracting(CheckpointPublisher.PublishedCheckpoint::type)
          .containsExactly(CheckpointType.FULL, CheckpointType.DELTA, CheckpointType.DELTA, CheckpointType.DELTA,
              CheckpointType.DELTA, CheckpointType.DELTA, CheckpointType.DELTA, CheckpointType.DELTA, CheckpointType.DELTA,
              CheckpointType.DELTA);
      assertThat(published).extracting(CheckpointPublisher.PublishedCheckpoint::fullAlsoPublished)
          .containsExactly(true, true, false, true, false, true, false, true, false, true);
      assertThat(bucket.exists(CheckpointKeys.PREFIX + "checkpoint-60/FULL/model.safetensors")).isTrue();
      assertThat(bucket.exists(CheckpointKeys.PREFIX + "checkpoint-90/FULL/model.safetensors")).isFalse();
      assertThat(bucket.get(CheckpointKeys.PREFIX + "checkpoint-90/DELTA/manifest.sig")).startsWith('a', 'b');
      JsonNode delta150 = JSON.readTree(bucket.get(CheckpointKeys.metadataKey(150, CheckpointType.DELTA)));
      assertThat(delta150.get("prev_window").asLong()).isEqualTo(120);
      assertThat(delta150.get("anchor_window").asLong()).isEqualTo(120);

      int deleted = publisher.removeExpired();
      TreeSet<Long> remaining = new TreeSet<>();
      for (ObjectInfo object : bucket.list(CheckpointKeys.PREFIX)) {
        remaining.add(Long.parseLong(object.key().split("/")[2].substring("checkpoint-".length())));
      }
      // kept, as the reference computes it: the retention windows 240..300, the newest FULL-only checkpoint (30),
      // the two newest deltas, and the chain of the delta at 240 back to its anchor (210, 180)
      assertThat(remaining).containsExactly(30L, 180L, 210L, 240L, 270L, 300L);
      assertThat(deleted).isEqualTo(4);
      LocalCheckpoint latest = new CheckpointConsumer(bucket, work.resolve("cache")).prepare(360).orElseThrow();
      assertThat(latest.window()).isEqualTo(300);
      assertThat(weightsHash(latest.directory())).isEqualTo(published.get(9).weightsHash());
    }
  }
}
