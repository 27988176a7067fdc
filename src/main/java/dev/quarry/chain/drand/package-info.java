/**
 * drand quicknet: the public randomness Grail mixes into each window. {@link
 * dev.quarry.chain.drand.DrandClient} fetches beacons (v2 API first, then v1, over a relay list,
 * with timeouts) and accepts only beacons whose BLS signature verifies against the quicknet public
 * key ({@link dev.quarry.chain.drand.QuicknetVerifier}). {@link
 * dev.quarry.chain.drand.WindowBeaconSource} applies the fallback policy and returns a {@link
 * dev.quarry.chain.drand.DrandOutcome} that says whether drand was used and gives the window
 * randomness, which is always valid hex.
 */
package dev.quarry.chain.drand;
