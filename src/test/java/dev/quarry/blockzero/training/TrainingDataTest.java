package dev.quarry.blockzero.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.blockzero.BlockZeroSettings.DataShard;
import dev.quarry.blockzero.BlockZeroVectors;
import dev.quarry.blockzero.TinyBlockZero;
import dev.quarry.model.ChatTemplate;
import dev.quarry.model.Tokenizer;
import dev.quarry.model.TrainingSequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows tokenized as the reference's exp_math dataset class and DataCollatorForLanguageModeling do
 * (training_data.json, from transformers on the same tokenizer), sharding, resuming, and the
 * learning-rate schedule against get_cosine_schedule_with_warmup.
 */
class TrainingDataTest {

  private static final JsonNode VECTORS = BlockZeroVectors.load("training_data.json");
  private static Tokenizer tokenizer;
  private static ChatTemplate template;

  @BeforeAll
  static void load() throws Exception {
    Path checkpoint = TinyBlockZero.checkpoint();
    tokenizer = Tokenizer.load(checkpoint);
    template = ChatTemplate.load(checkpoint, tokenizer.specialTokens());
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static TrainingData open(DataShard shard, long position) throws Exception {
    return new TrainingData(TinyBlockZero.resource("math_sample.jsonl"), tokenizer, template, VECTORS.get("sequence_length").asInt(),
        shard, VECTORS.get("pad_token_id").asInt(), position);
  }

  @Test
  void tokenizesLikeTheReferenceDatasetAndCollator() throws Exception {
    assertThat(tokenizer.padTokenId()).hasValue(VECTORS.get("pad_token_id").asInt());
    try (TrainingData data = open(new DataShard(0, 1), 0)) {
      for (JsonNode row : VECTORS.get("rows")) {
        if (row.has("skipped")) {
          continue;
        }
        TrainingSequence sequence = data.next();
        List<Integer> tokens = new ArrayList<>();
        for (int token : sequence.tokens()) {
          tokens.add(token);
        }
        List<Integer> expected = new ArrayList<>();
        row.get("input_ids").forEach(id -> expected.add(id.asInt()));
        assertThat(tokens).as("row %d (%s)", row.get("row").asInt(), row.get("kind").asText()).isEqualTo(expected);
        boolean[] targets = sequence.targets();
        for (int t = 1; t < targets.length; t++) {
          assertThat(targets[t]).as("row %d position %d", row.get("row").asInt(), t).isEqualTo(row.get("labels").get(t).asInt() != -100);
        }
      }
      assertThat(data.skipped()).isZero();
      while (data.position() < 16) {
        data.next();
      }
      assertThat(data.skipped()).as("the non-JSON row and the row without messages or text").isEqualTo(2);
    }
  }

  @Test
  void shardsResumeAndWrapAround(@TempDir Path temp) throws Exception {
    List<String> firstShard = new ArrayList<>();
    List<String> secondShard = new ArrayList<>();
    try (TrainingData even = open(new DataShard(0, 2), 0); TrainingData odd = open(new DataShard(1, 2), 0)) {
      for (int i = 0; i < 5; i++) {
        firstShard.add(tokenizer.decode(even.next().tokens()));
        secondShard.add(tokenizer.decode(odd.next().tokens()));
      }
    }
    assertThat(firstShard).doesNotContainAnyElementsOf(secondShard);
    long position;
    String third;
    try (TrainingData data = open(new DataShard(0, 1), 0)) {
      data.next();
      data.next();
      position = data.position();
      third = tokenizer.decode(data.next().tokens());
    }
    try (TrainingData resumed = open(new DataShard(0, 1), position)) {
      assertThat(tokenizer.decode(resumed.next().tokens())).isEqualTo(third);
      int usable = 21;
      for (int i = 0; i < usable; i++) {
        resumed.next();
      }
      assertThat(resumed.epoch()).isEqualTo(1);
    }
    Path empty = Files.writeString(temp.resolve("empty.jsonl"), "not json\n{\"x\": 1}\n");
    try (TrainingData nothing = new TrainingData(empty, tokenizer, template, 48, new DataShard(0, 1), 151643, 0)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(nothing::next).hasMessageContaining("has no usable row");
    }
  }

  @Test
  void scheduleMatchesTransformers() {
    for (JsonNode schedule : VECTORS.get("schedules")) {
      LearningRateSchedule ours = new LearningRateSchedule(1.0, schedule.get("warmup").asInt(), schedule.get("total").asInt());
      schedule.get("multipliers").properties().forEach(entry ->
          assertThat(ours.at(Long.parseLong(entry.getKey()))).as("%s at %s", schedule, entry.getKey())
              .isCloseTo(entry.getValue().asDouble(), within(1e-12)));
    }
  }
}
