package dev.quarry.blockzero.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a checkpoint records about the training run besides weights ({@value #FILE_NAME}): the
 * version and step it was written at, the learning-rate schedule's position (which, unlike the
 * reference, survives reloads onto a new global version so warm-up does not restart every cycle)
 * and the dataset position.
 */
public record TrainerState(
    @JsonProperty("expert_group") int expertGroup,
    @JsonProperty("global_version") long globalVersion,
    @JsonProperty("inner_step") long innerStep,
    @JsonProperty("schedule_step") long scheduleStep,
    @JsonProperty("data_position") long dataPosition,
    @JsonProperty("data_epoch") long dataEpoch,
    @JsonProperty("loss") double loss,
    @JsonProperty("learning_rate") double learningRate,
    @JsonProperty("base_model") String baseModel) {

  public static final String FILE_NAME = "quarry_trainer.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public void write(Path directory) throws IOException {
    Files.writeString(directory.resolve(FILE_NAME), JSON.writeValueAsString(this));
  }

  public static TrainerState read(Path directory) throws IOException {
    return JSON.readValue(directory.resolve(FILE_NAME).toFile(), TrainerState.class);
  }
}
