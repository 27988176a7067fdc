package dev.quarry.storage.window;

import dev.quarry.grail.protocol.python.PythonFloats;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes window files exactly as grail's {@code serialize_window_to_parquet} lays them out: the
 * reference schema (see {@link WindowSchema}), zstd level 1, dictionary encoding and statistics on,
 * v1 data pages, and the five footer key/values as UTF-8 strings ({@code timestamp} formatted as
 * Python's {@code str(float)}). Unlike pyarrow we do not add an {@code ARROW:schema} footer entry;
 * readers derive the same Arrow types from the Parquet schema.
 */
public final class WindowFileWriter {

  private WindowFileWriter() {}

  /** The Parquet bytes of a window file, ready to upload. */
  public static byte[] write(WindowFile file) throws IOException {
    return write(file, footer(file));
  }

  /** Writes with the given footer; tests use it to produce files other writers could emit. */
  static byte[] write(WindowFile file, Map<String, String> footer) throws IOException {
    InMemoryFiles.Output output = new InMemoryFiles.Output();
    PlainParquetConfiguration configuration = new PlainParquetConfiguration();
    try (ParquetWriter<RolloutRow> writer = new Builder(output)
        .withConf(configuration)
        .withCompressionCodec(CompressionCodecName.ZSTD)
        .withCompressionLevel("parquet.compression.codec.zstd.level", 1)
        .withDictionaryEncoding(true)
        .withStatisticsEnabled(true)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
        .withExtraMetaData(footer)
        .build()) {
      for (RolloutRow row : file.rows()) {
        writer.write(row);
      }
    }
    return output.toByteArray();
  }

  static Map<String, String> footer(WindowFile file) {
    Map<String, String> footer = new LinkedHashMap<>();
    footer.put(WindowSchema.WALLET, file.wallet());
    footer.put(WindowSchema.WINDOW_START, Long.toString(file.windowStart()));
    footer.put(WindowSchema.WINDOW_LENGTH, Integer.toString(file.windowLength()));
    footer.put(WindowSchema.INFERENCE_COUNT, Integer.toString(file.inferenceCount()));
    footer.put(WindowSchema.TIMESTAMP, PythonFloats.repr(file.timestamp()));
    return footer;
  }

  private static final class Builder extends ParquetWriter.Builder<RolloutRow, Builder> {
    Builder(OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    @Deprecated // abstract in parquet-java, so it must exist; the ParquetConfiguration overload is used
    protected WriteSupport<RolloutRow> getWriteSupport(Configuration configuration) {
      return new RowWriteSupport();
    }

    @Override
    protected WriteSupport<RolloutRow> getWriteSupport(ParquetConfiguration configuration) {
      return new RowWriteSupport();
    }
  }

  /** Emits one row as Parquet record events, field by field in schema order. */
  private static final class RowWriteSupport extends WriteSupport<RolloutRow> {
    private RecordConsumer out;

    @Override
    @Deprecated // abstract in parquet-java; the ParquetConfiguration overload is the one called
    public WriteContext init(Configuration configuration) {
      return new WriteContext(WindowSchema.SCHEMA, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(WindowSchema.SCHEMA, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(RolloutRow row) {
      out.startMessage();
      int field = 0;
      int64("window_start", field++, row.windowStart());
      int64("block", field++, row.block());
      int64("nonce", field++, row.nonce());
      string("block_hash", field++, row.blockHash());
      string("randomness", field++, row.randomness());
      bool("use_drand", field++, row.useDrand());
      int64("rollout_group", field++, row.rolloutGroup());
      int32("rollout_index", field++, row.rolloutIndex());
      int32("total_in_group", field++, row.totalInGroup());
      int64("checkpoint_window", field++, row.checkpointWindow());
      commit(field++, row.commit());
      float64("timestamp", field++, row.timestamp());
      string("challenge", field++, row.challenge());
      string("hotkey", field++, row.hotkey());
      string("signature", field, row.signature());
      out.endMessage();
    }

    private void commit(int index, RolloutCommit commit) {
      out.startField("commit", index);
      out.startGroup();
      out.startField("tokens", 0);
      out.startGroup();
      if (commit.tokenCount() > 0) {
        out.startField("list", 0);
        for (int i = 0; i < commit.tokenCount(); i++) {
          out.startGroup();
          int32("element", 0, commit.token(i));
          out.endGroup();
        }
        out.endField("list", 0);
      }
      out.endGroup();
      out.endField("tokens", 0);
      string("commitments", 1, commit.commitmentsJson());
      string("proof_version", 2, commit.proofVersion());
      out.startField("model", 3);
      out.startGroup();
      string("name", 0, commit.model().name());
      int32("layer_index", 1, commit.model().layerIndex());
      out.endGroup();
      out.endField("model", 3);
      string("signature", 4, commit.signature());
      string("beacon", 5, commit.beaconJson());
      rollout(6, commit.rollout());
      out.endGroup();
      out.endField("commit", index);
    }

    private void rollout(int index, RolloutResult rollout) {
      out.startField("rollout", index);
      out.startGroup();
      float64("total_reward", 0, rollout.totalReward());
      float64("advantage", 1, rollout.advantage());
      bool("success", 2, rollout.success());
      out.startField("token_logprobs", 3);
      out.startGroup();
      if (rollout.tokenLogprobCount() > 0) {
        out.startField("list", 0);
        for (int i = 0; i < rollout.tokenLogprobCount(); i++) {
          out.startGroup();
          out.startField("element", 0);
          out.addFloat(rollout.tokenLogprob(i));
          out.endField("element", 0);
          out.endGroup();
        }
        out.endField("list", 0);
      }
      out.endGroup();
      out.endField("token_logprobs", 3);
      int32("prompt_length", 4, rollout.promptLength());
      int32("completion_length", 5, rollout.completionLength());
      out.endGroup();
      out.endField("rollout", index);
    }

    private void int64(String name, int index, long value) {
      out.startField(name, index);
      out.addLong(value);
      out.endField(name, index);
    }

    private void int32(String name, int index, int value) {
      out.startField(name, index);
      out.addInteger(value);
      out.endField(name, index);
    }

    private void float64(String name, int index, double value) {
      out.startField(name, index);
      out.addDouble(value);
      out.endField(name, index);
    }

    private void bool(String name, int index, boolean value) {
      out.startField(name, index);
      out.addBoolean(value);
      out.endField(name, index);
    }

    private void string(String name, int index, String value) {
      out.startField(name, index);
      out.addBinary(Binary.fromString(value));
      out.endField(name, index);
    }
  }
}
