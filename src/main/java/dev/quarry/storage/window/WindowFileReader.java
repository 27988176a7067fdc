package dev.quarry.storage.window;

import dev.quarry.grail.protocol.python.PythonFloats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * Reads window files written by any Grail miner (pyarrow's writer or ours), with the checks the
 * reference reader applies and clear errors for everything else:
 *
 * <ul>
 *   <li>the stored object must pass the 200 B to 350 MiB size gate; a {@code .gz} key is gunzipped
 *       (and the unpacked file must also stay under 350 MiB, so a gzip bomb cannot exhaust memory);
 *   <li>rows with a null {@code rollout_group} reject the whole file, as in the reference;
 *   <li>footer {@code window_start}, {@code window_length}, {@code inference_count} must parse as
 *       integers and {@code timestamp} as a float when present (missing ones read as the reference's
 *       defaults: empty wallet, zeros);
 *   <li>columns are found by name; integer widths are not enforced (values must fit), lists may be
 *       three-level (standard) or two-level (legacy writers).
 * </ul>
 *
 * <p>Stricter than the reference on purpose: any other null value is refused ("row 4:
 * commit.rollout.advantage is null"), since our row model has no nulls and no honest writer emits
 * them. Rows are numbered from 0 in messages.
 */
public final class WindowFileReader {

  private WindowFileReader() {}

  /**
   * Reads a stored object: gunzips it first when {@code key} ends with {@code .gz}. The size gate
   * applies to the stored bytes, as validators apply it to the object's ContentLength.
   */
  public static WindowFile readObject(String key, byte[] stored) throws WindowFileException {
    checkSize(stored.length, "stored object " + key);
    byte[] parquet = key.endsWith(".gz") ? gunzip(key, stored) : stored;
    return parse(parquet);
  }

  /** Reads plain Parquet bytes (size gate applied). */
  public static WindowFile read(byte[] parquet) throws WindowFileException {
    checkSize(parquet.length, "window file");
    return parse(parquet);
  }

  private static void checkSize(long size, String what) throws WindowFileException {
    if (!WindowFiles.sizeAccepted(size)) {
      throw new WindowFileException(what + " is " + size + " bytes; window files must be between "
          + WindowFiles.MIN_FILE_BYTES + " bytes and 350 MiB");
    }
  }

  private static byte[] gunzip(String key, byte[] stored) throws WindowFileException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 4);
      byte[] buffer = new byte[1 << 16];
      long total = 0;
      int read;
      while ((read = in.read(buffer)) >= 0) {
        total += read;
        if (total > WindowFiles.MAX_FILE_BYTES) {
          throw new WindowFileException(key + " unpacks to more than 350 MiB");
        }
        out.write(buffer, 0, read);
      }
      return out.toByteArray();
    } catch (WindowFileException exception) {
      throw exception;
    } catch (IOException exception) {
      throw new WindowFileException(key + " is not valid gzip: " + exception.getMessage(), exception);
    }
  }

  private static WindowFile parse(byte[] parquet) throws WindowFileException {
    List<RolloutRow> rows = new ArrayList<>();
    Map<String, String> footer;
    RowMaterializer materializer;
    long rowCount = 0;
    try (ParquetFileReader reader = ParquetFileReader.open(new InMemoryFiles.Input(parquet),
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      footer = reader.getFooter().getFileMetaData().getKeyValueMetaData();
      materializer = new RowMaterializer(schema);
      MessageColumnIO columns = new ColumnIOFactory().getColumnIO(schema);
      PageReadStore rowGroup;
      while ((rowGroup = reader.readNextRowGroup()) != null) {
        RecordReader<RolloutRow> records = columns.getRecordReader(rowGroup, materializer);
        for (long i = 0; i < rowGroup.getRowCount(); i++) {
          rows.add(records.read());
          rowCount++;
        }
      }
    } catch (WindowFileException exception) {
      throw exception;
    } catch (IOException | RuntimeException exception) {
      throw new WindowFileException("not a readable Parquet file: " + exception.getMessage(), exception);
    }
    String failure = materializer.failure(rowCount);
    if (failure != null) {
      throw new WindowFileException(failure);
    }
    return new WindowFile(
        footer.getOrDefault(WindowSchema.WALLET, ""),
        footerInteger(footer, WindowSchema.WINDOW_START),
        Math.toIntExact(footerInteger(footer, WindowSchema.WINDOW_LENGTH)),
        footerFloat(footer, WindowSchema.TIMESTAMP),
        rows);
  }

  private static long footerInteger(Map<String, String> footer, String key) throws WindowFileException {
    String value = footer.get(key);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value.strip().replace("_", ""));
    } catch (NumberFormatException exception) {
      throw new WindowFileException("footer " + key + " is not an integer: '" + value + "'");
    }
  }

  /** {@code float(value)} as the reference reads the footer; a missing value is 0.0. */
  private static double footerFloat(Map<String, String> footer, String key) throws WindowFileException {
    String value = footer.get(key);
    if (value == null) {
      return 0.0;
    }
    Double parsed = PythonFloats.parse(value);
    if (parsed == null) {
      throw new WindowFileException("footer " + key + " is not a number: '" + value + "'");
    }
    return parsed;
  }

}
