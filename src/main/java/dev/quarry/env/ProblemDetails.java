package dev.quarry.env;

/** Environment-specific content of a {@link Problem}: a SAT instance, a dataset task, … */
public interface ProblemDetails {}
