/**
 * The Pekko HTTP management endpoint: health, readiness, status and Prometheus metrics.
 */
package dev.quarry.http;
