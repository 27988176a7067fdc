/**
 * Grail environments as pure logic: turning a seed into a problem and its prompt text, parsing a
 * completion, and scoring it with the reference reward components. Datasets and code execution are
 * reached through small interfaces so the logic stays testable without I/O.
 */
package dev.quarry.env;
