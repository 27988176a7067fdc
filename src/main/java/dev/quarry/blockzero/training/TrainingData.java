package dev.quarry.blockzero.training;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.blockzero.BlockZeroSettings.DataShard;
import dev.quarry.model.ChatTemplate;
import dev.quarry.model.Tokenizer;
import dev.quarry.model.TrainingSequence;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Training rows from a JSONL file, read in order and round and round, tokenized as the
 * reference's dataset classes do:
 *
 * <ul>
 *   <li>{@code {"messages": [{"role", "content"}, ...]}}: rendered with the model's chat template
 *       and {@code add_generation_prompt=True} (exp_math's {@code StreamingTorchDataset}), then
 *       tokenized without adding special tokens;
 *   <li>{@code {"text": "..."}}: tokenized as is ({@code DefaultStreamingTorchDataset}).
 * </ul>
 *
 * Sequences are cut to the sequence length; padding is not materialized (the batch is packed)
 * and, as {@code DataCollatorForLanguageModeling} does, a token equal to the pad id is not a
 * target. Only rows of this miner's shard are used. The position (rows consumed) is what a
 * checkpoint stores so training resumes where it stopped. Malformed rows are skipped with a count.
 */
public final class TrainingData implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Tokenizer tokenizer;
  private final ChatTemplate template;
  private final int sequenceLength;
  private final DataShard shard;
  private final int padId;
  private BufferedReader reader;
  private long row;
  private long epoch;
  private long skipped;

  public TrainingData(Path file, Tokenizer tokenizer, ChatTemplate template, int sequenceLength, DataShard shard, int padId,
      long position) throws IOException {
    this.file = file;
    this.tokenizer = tokenizer;
    this.template = template;
    this.sequenceLength = sequenceLength;
    this.shard = shard;
    this.padId = padId;
    open();
    while (row < position) {
      if (reader.readLine() == null) {
        open();
        break;
      }
      row++;
    }
  }

  private void open() throws IOException {
    if (reader != null) {
      reader.close();
    }
    reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    row = 0;
  }

  /** The next usable sequence of this shard; wraps to the first row at the end of the file. */
  public TrainingSequence next() throws IOException {
    long emptyPasses = 0;
    while (true) {
      String line = reader.readLine();
      if (line == null) {
        if (++emptyPasses > 1) {
          throw new IOException(file + " has no usable row for shard " + shard.rank() + "/" + shard.count()
              + " (" + skipped + " malformed rows)");
        }
        open();
        epoch++;
        continue;
      }
      long index = row++;
      if (line.isBlank() || !shard.includes(index)) {
        continue;
      }
      int[] tokens = tokenize(line);
      if (tokens == null || tokens.length < 2) {
        skipped++;
        continue;
      }
      boolean[] targets = new boolean[tokens.length];
      for (int t = 1; t < tokens.length; t++) {
        targets[t] = tokens[t] != padId;
      }
      TrainingSequence sequence = new TrainingSequence(tokens, targets);
      if (sequence.targetCount() == 0) {
        skipped++;
        continue;
      }
      return sequence;
    }
  }

  private int[] tokenize(String line) {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (IOException malformed) {
      return null;
    }
    String text;
    if (root != null && root.path("messages").isArray()) {
      List<Map<String, Object>> messages = JSON.convertValue(root.get("messages"), new TypeReference<>() { });
      try {
        text = template.renderMaps(messages, true, Map.of());
      } catch (RuntimeException unrenderable) {
        return null;
      }
    } else if (root != null && root.path("text").isTextual()) {
      text = root.get("text").asText();
    } else {
      return null;
    }
    int[] tokens = tokenizer.encode(text);
    return tokens.length > sequenceLength ? Arrays.copyOf(tokens, sequenceLength) : tokens;
  }

  /** Rows consumed since the start of the current pass (what resuming skips). */
  public long position() {
    return row;
  }

  public long epoch() {
    return epoch;
  }

  /** Rows skipped because they were not JSON, had neither messages nor text, or had no target. */
  public long skipped() {
    return skipped;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
