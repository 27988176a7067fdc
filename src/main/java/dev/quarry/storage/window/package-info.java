/**
 * Grail window files ({@code grail/windows/{hotkey}-window-{W}.parquet}): the rollout row model,
 * the reference Parquet schema and footer, the writer and the validating reader, and the uploader
 * that spools each file locally and sends it exactly once.
 */
package dev.quarry.storage.window;
