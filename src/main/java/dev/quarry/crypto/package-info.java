/**
 * Keys and signatures: sr25519 (schnorrkel-compatible), BIP39 mini-secrets, SS58, btwallet key
 * files, and the hashes Bittensor uses. Secret material never appears in toString, logs or exceptions.
 */
package dev.quarry.crypto;
