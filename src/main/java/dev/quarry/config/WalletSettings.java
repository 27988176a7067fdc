package dev.quarry.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which btcli wallet signs: {@code walletsDirectory/coldkey/hotkeys/hotkey}. Names, not addresses.
 *
 * @param hotkeyPassword only for an encrypted hotkey file; redacted wherever it is printed
 */
public record WalletSettings(String coldkey, String hotkey, Path walletsDirectory, Optional<Secret> hotkeyPassword) {

  /** The hotkey file in btcli's layout. */
  public Path hotkeyFile() {
    return walletsDirectory.resolve(coldkey).resolve("hotkeys").resolve(hotkey);
  }

  /** The coldkey's public address file, {@code coldkeypub.txt}. */
  public Path coldkeyPublicFile() {
    return walletsDirectory.resolve(coldkey).resolve("coldkeypub.txt");
  }
}
