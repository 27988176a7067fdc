/**
 * Runtime metadata V14: the portable type registry, pallets with their call/storage/error
 * indices, and signed extensions; a generic SCALE value decoder driven by the registry (used for
 * {@code System.Events}); and the checks that the live runtime still matches the indices and
 * layouts Quarry's encoders assume. Pure; no I/O.
 */
package dev.quarry.chain.metadata;
