/**
 * The local Grail validator: the reference checks in the reference order, with readable rejection
 * reasons, miner selection, copycat detection and the weights formula.
 */
package dev.quarry.validator;
