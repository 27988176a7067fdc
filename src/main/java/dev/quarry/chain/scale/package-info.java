/**
 * SCALE, Substrate's binary codec: fixed-width little-endian integers, compact integers,
 * length-prefixed sequences and strings, options. Pure; no I/O.
 */
package dev.quarry.chain.scale;
