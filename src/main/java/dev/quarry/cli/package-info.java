/**
 * The {@code quarry} command line (picocli): one subcommand per capability, each a thin layer over
 * the code the miner and validator use.
 */
package dev.quarry.cli;
