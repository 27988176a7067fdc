package dev.quarry.validator;

import dev.quarry.storage.window.WindowFile;
import java.util.Objects;

/**
 * A miner's window file ready to check.
 *
 * @param hotkey the miner the file is checked for (the footer wallet and the commit signatures must be its)
 * @param uid its UID, or null when unknown
 * @param file the parsed file
 * @param upload where it came from in the bucket, or null for a local file
 */
public record MinerFile(String hotkey, Integer uid, WindowFile file, UploadInfo upload) {
  public MinerFile {
    Objects.requireNonNull(hotkey, "hotkey");
    Objects.requireNonNull(file, "file");
  }
}
