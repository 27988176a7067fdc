package dev.quarry.validator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.model.CausalLanguageModel;
import dev.quarry.model.ModelLoadException;
import dev.quarry.storage.checkpoint.CheckpointMetadata;
import dev.quarry.storage.checkpoint.CheckpointType;
import dev.quarry.storage.checkpoint.InvalidCheckpointMetadataException;
import dev.quarry.storage.checkpoint.LocalCheckpoint;
import dev.quarry.validator.checks.CopycatTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Checks a window file from disk against a local checkpoint, for debugging without a chain or a
 * bucket ({@code quarry validate --file}): the window's block hash is given, the challenge
 * randomness is given or derived from a given hash of block {@code W + 30}, and the checkpoint
 * directory carries its {@code metadata.json} (as the checkpoint cache writes it). No deadline, no
 * state, no copycat detection.
 */
public final class FileValidator {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to check the file against.
   *
   * @param hotkey the miner (null: the file's footer wallet)
   * @param window the window (null: the file's footer window_start)
   * @param windowBlockHash the hash of block {@code window}
   * @param challengeRandomness the validator randomness to use
   * @param challengeSource how it was obtained (reported)
   * @param checkpointDirectory a checkpoint directory with {@code metadata.json}
   * @param checkpointWindow the checkpoint's window (null: {@code metadata.json}'s {@code window})
   */
  public record Request(String hotkey, Long window, BlockHash windowBlockHash, Randomness challengeRandomness,
      String challengeSource, Path checkpointDirectory, Long checkpointWindow) {
    public Request {
      Objects.requireNonNull(windowBlockHash, "windowBlockHash");
      Objects.requireNonNull(challengeRandomness, "challengeRandomness");
      Objects.requireNonNull(checkpointDirectory, "checkpointDirectory");
    }
  }

  private FileValidator() {}

  /**
   * @throws IOException when the file or checkpoint cannot be read
   * @throws InvalidCheckpointMetadataException when the checkpoint's metadata cannot drive validation
   */
  public static WindowReport validate(Path windowFile, Request request, EnvironmentProvider environments,
      ValidatorOptions options) throws IOException, InvalidCheckpointMetadataException {
    byte[] stored;
    try {
      stored = Files.readAllBytes(windowFile);
    } catch (NoSuchFileException missing) {
      throw new NoSuchFileException(windowFile.toString(), null, "no such window file");
    }
    LocalCheckpoint checkpoint = checkpoint(request.checkpointDirectory(), request.checkpointWindow());
    UploadInfo local = new UploadInfo(windowFile.getFileName().toString(), stored.length, null);
    String fileHotkey = request.hotkey();
    MinerFiles.Loaded loaded = MinerFiles.read(fileHotkey == null ? "(footer wallet)" : fileHotkey, null,
        request.window() == null ? -1 : request.window(), local, stored);
    if (loaded.unusable() != null) {
      return new WindowReport(request.window() == null ? -1 : request.window(), "file", request.windowBlockHash().value(),
          request.challengeRandomness().hex(), request.challengeSource(), null, checkpoint.window(), null, null, null,
          List.of(loaded.unusable()), List.of(), null);
    }
    String hotkey = fileHotkey != null ? fileHotkey : loaded.file().wallet();
    long window = request.window() != null ? request.window() : loaded.file().windowStart();
    WindowEnvironment environment = WindowEnvironment.of(checkpoint.metadata(), environments);
    try (CausalLanguageModel model = CausalLanguageModel.load(checkpoint.directory(), options.device())) {
      ValidationSetup setup = new ValidationSetup(options.parameters(), window, request.windowBlockHash(),
          request.challengeRandomness(), checkpoint.window(), environment, model);
      MinerValidator.Outcome outcome = new MinerValidator(setup).validate(new MinerFile(hotkey, null, loaded.file(), local));
      return new WindowReport(window, "file", request.windowBlockHash().value(), request.challengeRandomness().hex(),
          request.challengeSource(), null, checkpoint.window(), environment.environmentId(), null, null,
          List.of(outcome.validation()), List.<CopycatTracker.Violation>of(), null);
    } catch (ModelLoadException broken) {
      throw new IOException("cannot load the checkpoint in " + checkpoint.directory() + ": " + broken.getMessage(), broken);
    }
  }

  /** A checkpoint directory with its {@code metadata.json}. */
  static LocalCheckpoint checkpoint(Path directory, Long window) throws IOException {
    Path metadataFile = directory.resolve("metadata.json");
    if (!Files.isRegularFile(metadataFile)) {
      throw new NoSuchFileException(metadataFile.toString(), null, "the checkpoint directory has no metadata.json (use a "
          + "directory from the checkpoint cache, e.g. `quarry storage checkpoint`, or add the trainer's metadata.json)");
    }
    byte[] bytes = Files.readAllBytes(metadataFile);
    long checkpointWindow;
    if (window != null) {
      checkpointWindow = window;
    } else {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.path("window").canConvertToLong()) {
        throw new IOException(metadataFile + " has no integer 'window'; pass the checkpoint window explicitly");
      }
      checkpointWindow = root.get("window").asLong();
    }
    CheckpointMetadata metadata = CheckpointMetadata.parse(bytes, checkpointWindow, CheckpointType.FULL);
    return new LocalCheckpoint(checkpointWindow, directory, metadata, LocalCheckpoint.Source.CACHE);
  }
}
