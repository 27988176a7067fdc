package dev.quarry.config;

import java.nio.file.Path;

/**
 * Directories, all absolute.
 *
 * @param dataDirectory Quarry's working directory ({@code QUARRY_DATA_DIR})
 * @param checkpointCache where trainer checkpoints are kept ({@code GRAIL_CACHE_DIR/checkpoints})
 * @param huggingFaceHome the Hugging Face cache ({@code HF_HOME})
 */
public record PathSettings(Path dataDirectory, Path checkpointCache, Path huggingFaceHome) {}
