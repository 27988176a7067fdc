/**
 * The Grail miner on Pekko: the window supervisor, generator and proof workers pulling work through
 * streams, and the cluster singleton that follows the chain, commits credentials and uploads windows.
 * Actors orchestrate; the computing lives in grail.protocol, env and model.
 */
package dev.quarry.mining;
