package dev.quarry.storage.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Struct;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB (its own C++ Parquet implementation, through its JDBC driver) reads our window files
 * field by field: an independent check that what we write is standard Parquet with the reference
 * layout, not merely something parquet-java can read back.
 */
class WindowFileDuckDbTest {

  private static Connection duckdb;

  @TempDir Path directory;

  @BeforeAll
  static void open() throws SQLException {
    duckdb = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  static void close() throws SQLException {
    duckdb.close();
  }

  private static String sqlPath(Path path) {
    return path.toAbsolutePath().toString().replace("'", "''");
  }

  @Test
  void duckDbReadsEveryFieldWeWrote() throws Exception {
    WindowFile window = WindowFixtures.sampleWindow(2);
    Path file = directory.resolve("window.parquet");
    Files.write(file, WindowFileWriter.write(window));
    try (Statement statement = duckdb.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM read_parquet('" + sqlPath(file) + "') ORDER BY nonce")) {
      assertThat(rows.getMetaData().getColumnCount()).isEqualTo(15);
      assertThat(rows.getMetaData().getColumnName(11)).isEqualTo("commit");
      int index = 0;
      while (rows.next()) {
        RolloutRow expected = window.rows().get(index++);
        assertThat(rows.getLong("window_start")).isEqualTo(expected.windowStart());
        assertThat(rows.getLong("block")).isEqualTo(expected.block());
        assertThat(rows.getLong("nonce")).isEqualTo(expected.nonce());
        assertThat(rows.getString("block_hash")).isEqualTo(expected.blockHash());
        assertThat(rows.getString("randomness")).isEqualTo(expected.randomness());
        assertThat(rows.getBoolean("use_drand")).isEqualTo(expected.useDrand());
        assertThat(rows.getLong("rollout_group")).isEqualTo(expected.rolloutGroup());
        assertThat(rows.getInt("rollout_index")).isEqualTo(expected.rolloutIndex());
        assertThat(rows.getInt("total_in_group")).isEqualTo(expected.totalInGroup());
        assertThat(rows.getLong("checkpoint_window")).isEqualTo(expected.checkpointWindow());
        assertThat(rows.getDouble("timestamp")).isEqualTo(expected.timestamp());
        assertThat(rows.getString("challenge")).isEqualTo(expected.challenge());
        assertThat(rows.getString("hotkey")).isEqualTo(expected.hotkey());
        assertThat(rows.getString("signature")).isEqualTo(expected.signature());

        Map<String, Object> commit = fields(rows.getObject("commit"));
        assertThat(commit.keySet()).containsExactly("tokens", "commitments", "proof_version", "model", "signature",
            "beacon", "rollout");
        Object[] tokens = (Object[]) ((Array) commit.get("tokens")).getArray();
        assertThat(tokens).hasSize(expected.commit().tokenCount());
        for (int t = 0; t < tokens.length; t++) {
          assertThat(tokens[t]).isEqualTo(expected.commit().token(t));
        }
        assertThat(commit.get("commitments")).isEqualTo(expected.commit().commitmentsJson());
        assertThat(commit.get("proof_version")).isEqualTo("v5");
        Map<String, Object> model = fields(commit.get("model"));
        assertThat(model).containsExactly(Map.entry("name", "Qwen/Qwen3-0.6B"), Map.entry("layer_index", -1));
        assertThat(commit.get("signature")).isEqualTo(expected.commit().signature());
        assertThat(commit.get("beacon")).isEqualTo(expected.commit().beaconJson());

        Map<String, Object> rollout = fields(commit.get("rollout"));
        RolloutResult result = expected.commit().rollout();
        assertThat(rollout.get("total_reward")).isEqualTo(result.totalReward());
        assertThat(rollout.get("advantage")).isEqualTo(result.advantage());
        assertThat(rollout.get("success")).isEqualTo(result.success());
        assertThat(rollout.get("prompt_length")).isEqualTo(result.promptLength());
        assertThat(rollout.get("completion_length")).isEqualTo(result.completionLength());
        Object[] logprobs = (Object[]) ((Array) rollout.get("token_logprobs")).getArray();
        assertThat(logprobs).hasSize(result.tokenLogprobCount());
        for (int t = 0; t < logprobs.length; t++) {
          assertThat(logprobs[t]).as("float32 logprob %d", t).isEqualTo(result.tokenLogprob(t));
        }
      }
      assertThat(index).isEqualTo(32);
    }
    try (Statement statement = duckdb.createStatement();
        ResultSet types = statement.executeQuery("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('"
            + sqlPath(file) + "')) WHERE column_name IN ('commit', 'rollout_index', 'timestamp')")) {
      Map<String, String> described = new java.util.HashMap<>();
      while (types.next()) {
        described.put(types.getString(1), types.getString(2));
      }
      assertThat(described).containsEntry("rollout_index", "INTEGER").containsEntry("timestamp", "DOUBLE");
      assertThat(described.get("commit")).contains("tokens INTEGER[]").contains("token_logprobs FLOAT[]")
          .contains("model STRUCT(\"name\" VARCHAR, layer_index INTEGER)");
    }
    try (Statement statement = duckdb.createStatement();
        ResultSet footer = statement.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata('"
            + sqlPath(file) + "') ORDER BY 1")) {
      Map<String, String> keys = new java.util.TreeMap<>();
      while (footer.next()) {
        keys.put(footer.getString(1), footer.getString(2));
      }
      assertThat(keys).containsExactlyEntriesOf(new java.util.TreeMap<>(WindowFileWriter.footer(window)));
    }
  }

  @Test
  void aFileFromAnotherWriterWithANullRolloutGroupIsRejected() throws Exception {
    Path ours = directory.resolve("ours.parquet");
    Files.write(ours, WindowFileWriter.write(WindowFixtures.sampleWindow(1)));
    Path foreign = directory.resolve("foreign.parquet");
    try (Statement statement = duckdb.createStatement()) {
      statement.execute("COPY (SELECT * REPLACE (CASE WHEN nonce = 5 THEN NULL ELSE rollout_group END AS rollout_group) "
          + "FROM read_parquet('" + sqlPath(ours) + "') ORDER BY nonce) TO '" + sqlPath(foreign) + "' (FORMAT parquet)");
    }
    assertThatThrownBy(() -> WindowFileReader.read(Files.readAllBytes(foreign)))
        .isInstanceOf(WindowFileException.class)
        .hasMessage("row 5: rollout_group is null (1 of 16 rows have no rollout_group; the file is rejected)");

    // a null nested value is named with its row and path
    Path nullAdvantage = directory.resolve("null-advantage.parquet");
    try (Statement statement = duckdb.createStatement()) {
      statement.execute("COPY (SELECT * REPLACE (CASE WHEN nonce = 9 THEN struct_update(commit, rollout := "
          + "struct_update(commit.rollout, advantage := NULL::DOUBLE)) ELSE commit END AS commit) FROM read_parquet('"
          + sqlPath(ours) + "') ORDER BY nonce) TO '" + sqlPath(nullAdvantage) + "' (FORMAT parquet)");
    }
    assertThatThrownBy(() -> WindowFileReader.read(Files.readAllBytes(nullAdvantage)))
        .isInstanceOf(WindowFileException.class).hasMessage("row 9: commit.rollout.advantage is null");

    // the same file without the null reads fine: DuckDB's own layout is accepted too
    Path clean = directory.resolve("clean.parquet");
    try (Statement statement = duckdb.createStatement()) {
      statement.execute("COPY (SELECT * FROM read_parquet('" + sqlPath(ours) + "') ORDER BY nonce) TO '"
          + sqlPath(clean) + "' (FORMAT parquet)");
    }
    List<RolloutRow> rows = WindowFileReader.read(Files.readAllBytes(clean)).rows();
    assertThat(rows).isEqualTo(WindowFixtures.sampleWindow(1).rows());
  }

  private static Map<String, Object> fields(Object struct) throws SQLException {
    assertThat(struct).isInstanceOf(Struct.class);
    return ((org.duckdb.DuckDBStruct) struct).getMap();
  }
}
