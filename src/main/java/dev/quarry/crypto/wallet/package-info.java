/**
 * btwallet-compatible wallets on disk: {@code <root>/<wallet>/coldkey} ({@code $NACL}-encrypted),
 * {@code coldkeypub.txt}, {@code hotkeys/<hotkey>} (plain JSON by default). Reading and writing
 * keep key material out of toString, logs and exception messages.
 */
package dev.quarry.crypto.wallet;
