package dev.quarry.storage.pytorch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A minimal zip writer for torch-style archives: stored (uncompressed) records, each record's data
 * starting on a 64-byte boundary (padding in an "FB" extra field, as PyTorch's writer does), a
 * fixed timestamp, and ZIP64 end records when offsets or the entry count outgrow the classic
 * format. Records larger than 4 GiB are not supported (a tensor that large is split upstream).
 */
final class ZipWriter implements AutoCloseable {

  private static final int ALIGNMENT = 64;
  private static final int DOS_DATE_1980_01_01 = 0x21;
  private static final long LIMIT = 0xFFFFFFFFL;

  private record Central(byte[] name, long crc, long size, long offset) {}

  private final OutputStream out;
  private final boolean forceZip64;
  private final List<Central> entries = new ArrayList<>();
  private long position;

  ZipWriter(OutputStream out) {
    this(out, false);
  }

  /** {@code forceZip64} writes the ZIP64 records even for small archives (tests exercise that path). */
  ZipWriter(OutputStream out, boolean forceZip64) {
    this.out = out;
    this.forceZip64 = forceZip64;
  }

  void add(String name, ByteBuffer data) throws IOException {
    ByteBuffer bytes = data.duplicate();
    long size = bytes.remaining();
    if (size >= LIMIT) {
      throw new IOException("record " + name + " is 4 GiB or larger");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes.duplicate());
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    long headerEnd = position + 30 + nameBytes.length + 4;
    int padding = (int) ((ALIGNMENT - headerEnd % ALIGNMENT) % ALIGNMENT);
    ByteBuffer header = little(30 + nameBytes.length + 4 + padding);
    header.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800).putShort((short) 0)
        .putShort((short) 0).putShort((short) DOS_DATE_1980_01_01).putInt((int) crc.getValue())
        .putInt((int) size).putInt((int) size).putShort((short) nameBytes.length).putShort((short) (4 + padding))
        .put(nameBytes).put((byte) 'F').put((byte) 'B').putShort((short) padding);
    for (int i = 0; i < padding; i++) {
      header.put((byte) 'Z');
    }
    entries.add(new Central(nameBytes, crc.getValue(), size, position));
    write(header.array());
    if (bytes.hasArray()) {
      write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
    } else {
      byte[] chunk = new byte[(int) Math.min(1 << 20, size)];
      while (bytes.hasRemaining()) {
        int length = Math.min(chunk.length, bytes.remaining());
        bytes.get(chunk, 0, length);
        write(chunk, 0, length);
      }
    }
  }

  @Override
  public void close() throws IOException {
    long centralStart = position;
    for (Central entry : entries) {
      boolean bigOffset = forceZip64 || entry.offset() >= LIMIT;
      ByteBuffer header = little(46 + entry.name().length + (bigOffset ? 12 : 0));
      header.putInt(0x02014b50).putShort((short) (bigOffset ? 45 : 20)).putShort((short) (bigOffset ? 45 : 20))
          .putShort((short) 0x0800).putShort((short) 0).putShort((short) 0).putShort((short) DOS_DATE_1980_01_01)
          .putInt((int) entry.crc()).putInt((int) entry.size()).putInt((int) entry.size())
          .putShort((short) entry.name().length).putShort((short) (bigOffset ? 12 : 0)).putShort((short) 0)
          .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) (bigOffset ? LIMIT : entry.offset()))
          .put(entry.name());
      if (bigOffset) {
        header.putShort((short) 0x0001).putShort((short) 8).putLong(entry.offset());
      }
      write(header.array());
    }
    long centralSize = position - centralStart;
    boolean zip64 = forceZip64 || centralStart >= LIMIT || entries.size() >= 0xFFFF;
    if (zip64) {
      long recordStart = position;
      ByteBuffer record = little(56 + 20);
      record.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
          .putLong(entries.size()).putLong(entries.size()).putLong(centralSize).putLong(centralStart);
      record.putInt(0x07064b50).putInt(0).putLong(recordStart).putInt(1);
      write(record.array());
    }
    ByteBuffer end = little(22);
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
        .putShort((short) (zip64 ? 0xFFFF : entries.size())).putShort((short) (zip64 ? 0xFFFF : entries.size()))
        .putInt((int) (zip64 ? LIMIT : centralSize)).putInt((int) (zip64 ? LIMIT : centralStart)).putShort((short) 0);
    write(end.array());
    out.close();
  }

  private void write(byte[] data) throws IOException {
    write(data, 0, data.length);
  }

  private void write(byte[] data, int offset, int length) throws IOException {
    out.write(data, offset, length);
    position += length;
  }

  private static ByteBuffer little(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
