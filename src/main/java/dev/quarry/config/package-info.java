/**
 * Operator configuration: the {@code .env} file (secrets and endpoints, names compatible with Grail's
 * {@code .env.example}) and the HOCON cluster configuration in {@code conf/}.
 */
package dev.quarry.config;
