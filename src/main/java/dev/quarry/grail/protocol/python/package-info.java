/**
 * Bit-exact Java counterparts of the CPython behaviour the Grail reference leans on: the Mersenne
 * Twister {@code random.Random} with CPython's seeding, float {@code repr}, 3.12's compensated
 * {@code sum()} and {@code math.fsum}, {@code json.dumps} renderings, and {@code str} whitespace
 * rules. The protocol hashes and samples through these, so "close enough" is a mismatch.
 */
package dev.quarry.grail.protocol.python;
