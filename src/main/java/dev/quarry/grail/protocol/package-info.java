/**
 * Grail (subnet 81) protocol math as pure functions: constants ({@link
 * dev.quarry.grail.protocol.ProtocolParameters}), PRF, window randomness, seeds, sketches,
 * tolerances, challenges, commit binding, GRPO advantages, credential commitments and the
 * validator's sampling and weights rules. No I/O, no actors; everything here is bit-exact with
 * one-covenant/grail v0.0.60 (proof v5) and tested against vectors produced by the reference. The
 * CPython behaviour it depends on (random, float repr, sum, json.dumps) lives in the {@code python}
 * subpackage. See docs/protocol.md.
 */
package dev.quarry.grail.protocol;
