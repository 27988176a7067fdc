package dev.quarry.storage.window;

import java.io.IOException;
import java.util.Map;

/** Lets other areas' tests write window files with a chosen footer (e.g. one a faulty writer left without metadata). */
public final class WindowFileTestSupport {

  private WindowFileTestSupport() {}

  public static byte[] writeWithFooter(WindowFile file, Map<String, String> footer) throws IOException {
    return WindowFileWriter.write(file, footer);
  }
}
