package dev.quarry.validator;

import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.ProtocolParameters;
import dev.quarry.grail.protocol.Randomness;
import dev.quarry.model.CausalLanguageModel;
import java.util.Objects;

/**
 * Everything that is the same for every miner of one validated window.
 *
 * @param parameters the protocol constants ({@link ProtocolParameters#v5()})
 * @param window the validated window's first block
 * @param windowBlockHash the hash of that block (seeds, the {@code block_hash} column)
 * @param challengeRandomness the validator's randomness (challenged positions, spot-checked groups)
 * @param checkpointWindow the window of the trainer checkpoint loaded for this window
 * @param environment the checkpoint's environment, thinking mode and generation parameters
 * @param model the checkpoint's model (one caller at a time)
 */
public record ValidationSetup(
    ProtocolParameters parameters,
    long window,
    BlockHash windowBlockHash,
    Randomness challengeRandomness,
    long checkpointWindow,
    WindowEnvironment environment,
    CausalLanguageModel model) {

  public ValidationSetup {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(windowBlockHash, "windowBlockHash");
    Objects.requireNonNull(challengeRandomness, "challengeRandomness");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(model, "model");
  }
}
