package dev.quarry.storage.window;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/** parquet-java file abstractions over byte arrays: window files go to and come from S3 as bytes. */
final class InMemoryFiles {

  private InMemoryFiles() {}

  /** Collects what parquet-java writes; {@link #toByteArray()} after the writer is closed. */
  static final class Output implements OutputFile {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      buffer.reset();
      return new PositionOutputStream() {
        @Override
        public long getPos() {
          return buffer.size();
        }

        @Override
        public void write(int b) {
          buffer.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
          buffer.write(bytes, offset, length);
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    byte[] toByteArray() {
      return buffer.toByteArray();
    }
  }

  /** A seekable view of a byte array. */
  static final class Input implements InputFile {
    private final byte[] bytes;

    Input(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public long getLength() {
      return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
      SeekableBytes stream = new SeekableBytes(bytes);
      return new DelegatingSeekableInputStream(stream) {
        @Override
        public long getPos() {
          return stream.position();
        }

        @Override
        public void seek(long position) throws IOException {
          if (position < 0 || position > bytes.length) {
            throw new IOException("seek to " + position + " outside a " + bytes.length + "-byte file");
          }
          stream.seekTo((int) position);
        }
      };
    }
  }

  private static final class SeekableBytes extends ByteArrayInputStream {
    SeekableBytes(byte[] bytes) {
      super(bytes);
    }

    int position() {
      return pos;
    }

    void seekTo(int position) {
      pos = position;
    }
  }
}
