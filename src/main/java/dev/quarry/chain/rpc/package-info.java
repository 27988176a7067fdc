/**
 * JSON-RPC 2.0 over one WebSocket (the JDK client): request ids, per-request timeouts, large
 * fragmented messages, subscriptions that are re-established after reconnects, and reconnection
 * with backoff that never drops a caller's request silently.
 */
package dev.quarry.chain.rpc;
