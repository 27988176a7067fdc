package dev.quarry.blockzero.checkpoints;

import dev.quarry.blockzero.CheckpointName;
import dev.quarry.blockzero.ExpertGroups;
import java.nio.file.Path;

/** A checkpoint directory on disk and the version its name encodes. */
public record StoredCheckpoint(CheckpointName name, Path directory) {

  /** The {@code model_expgroup_<group>.pt} file in it. */
  public Path expertGroupFile(int group) {
    return directory.resolve(ExpertGroups.fileName(group));
  }

  public boolean fromValidator() {
    return name.fromValidator();
  }

  @Override
  public String toString() {
    return directory.toString();
  }
}
