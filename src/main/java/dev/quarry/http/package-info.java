/**
 * The management endpoint and metrics. {@link dev.quarry.http.ManagementServer} serves
 * {@code /health}, {@code /ready}, {@code /status} (a {@link dev.quarry.http.MinerStatus} from the
 * caller's {@link dev.quarry.http.StatusSource}) and {@code /metrics} (Prometheus text) on Pekko
 * HTTP. {@link dev.quarry.http.Metrics} is the typed facade the miner records into; it owns a
 * Kamon metric registry and renders it with Kamon's Prometheus formatter.
 */
package dev.quarry.http;
