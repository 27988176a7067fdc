/**
 * Operator configuration, the one place that reads the environment. {@link
 * dev.quarry.config.OperatorEnvironment} merges a {@code .env} file (python-dotenv syntax, Grail's
 * variable names) with the process environment; {@link dev.quarry.config.QuarrySettings} turns it
 * into validated records ({@link dev.quarry.config.ChainSettings}, {@link
 * dev.quarry.config.BucketSettings}, …) that other areas take as plain values; {@link
 * dev.quarry.config.ClusterConfiguration} layers the HOCON cluster configuration in {@code conf/}.
 * Secrets are {@link dev.quarry.config.Secret}s and print redacted everywhere.
 */
package dev.quarry.config;
