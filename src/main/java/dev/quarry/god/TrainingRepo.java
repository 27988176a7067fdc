package dev.quarry.god;

import dev.quarry.config.Secret;
import java.util.List;
import java.util.Optional;

/**
 * What the miner answers for one tournament family: the GitHub repository validators clone, the
 * exact commit, an optional read-only token for a private repository, and up to two whitelisted
 * Hugging Face datasets. Built only through {@link GodSettings}, which validates every field.
 * {@code toString} never shows the token.
 *
 * @param githubRepo {@code https://github.com/<owner>/<repo>}
 * @param commitHash the full lowercase 40-hex commit SHA
 * @param githubToken a fine-grained read-only token, sent only to authenticated validators
 * @param requestedDatasets whitelisted dataset ids, in the configured order, at most two
 */
public record TrainingRepo(String githubRepo, String commitHash, Optional<Secret> githubToken, List<String> requestedDatasets) {

  public TrainingRepo {
    requestedDatasets = List.copyOf(requestedDatasets);
  }
}
