package dev.quarry.validator;

import dev.quarry.env.Environment;
import dev.quarry.env.runtime.EnvironmentParameters;

/**
 * Builds the environment a checkpoint names ({@code EnvironmentFactory::environment} is one). An
 * {@code EnvironmentUnavailableException} means this validator cannot serve it (missing dataset,
 * Python, GPU evaluation): a problem of the validator, not of any miner.
 */
@FunctionalInterface
public interface EnvironmentProvider {
  Environment environment(String environmentId, EnvironmentParameters parameters);
}
