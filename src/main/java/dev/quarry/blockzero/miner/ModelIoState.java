package dev.quarry.blockzero.miner;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * What the daemon must not forget across a restart: the last cycle's commitment (so MinerCommit2
 * and the submission still happen for what MinerCommit1 committed) and the last cycle whose
 * submission went through. Written atomically to {@code model_io/state.json}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelIoState(@JsonProperty("committed") Committed committed, @JsonProperty("submitted_cycle") Long submittedCycle) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  public static final String FILE_NAME = "state.json";

  public static ModelIoState empty() {
    return new ModelIoState(null, null);
  }

  public Optional<Committed> committedIn(long cycle) {
    return committed != null && committed.cycle() == cycle ? Optional.of(committed) : Optional.empty();
  }

  public boolean submittedIn(long cycle) {
    return submittedCycle != null && submittedCycle == cycle;
  }

  public ModelIoState withCommitted(Committed value) {
    return new ModelIoState(value, submittedCycle);
  }

  public ModelIoState withSubmitted(long cycle) {
    return new ModelIoState(committed, cycle);
  }

  public static ModelIoState read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return empty();
    }
    try {
      return JSON.readValue(file.toFile(), ModelIoState.class);
    } catch (IOException unreadable) {
      org.slf4j.LoggerFactory.getLogger(ModelIoState.class).warn("ignoring unreadable {} ({}); starting without saved state", file,
          unreadable.getMessage());
      return empty();
    }
  }

  public void write(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path temporary = directory.resolve(".tmp_" + FILE_NAME);
    Files.writeString(temporary, JSON.writeValueAsString(this));
    Files.move(temporary, directory.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
