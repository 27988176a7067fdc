package dev.quarry.cli;

import dev.quarry.config.Secret;
import dev.quarry.config.WalletSettings;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.wallet.KeyfileException;
import dev.quarry.crypto.wallet.Wallet;
import dev.quarry.crypto.wallet.WalletLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * btcli's wallet flags ({@code --wallet.name}, {@code --wallet.hotkey}, {@code --wallet.path}) over
 * the configured wallet. The configuration is the one parser of the wallet variables
 * ({@code BT_WALLET_COLD}/{@code BT_WALLET_HOT}, or btcli's {@code BT_WALLET_NAME}/{@code BT_WALLET_HOTKEY},
 * and {@code BT_WALLET_PATH}); a flag, when given, wins. {@code quarry mine}, {@code quarry doctor}
 * and {@code quarry wallet} resolve the wallet through here, so they always agree.
 */
public final class WalletOptions {

  @Option(names = "--wallet.name", paramLabel = "NAME",
      description = "Coldkey wallet name (default: BT_WALLET_COLD, else BT_WALLET_NAME, else 'default').")
  String name;

  @Option(names = "--wallet.hotkey", paramLabel = "NAME",
      description = "Hotkey name (default: BT_WALLET_HOT, else BT_WALLET_HOTKEY, else 'default').")
  String hotkey;

  @Option(names = "--wallet.path", paramLabel = "DIR",
      description = "Wallets directory (default: BT_WALLET_PATH, else ~/.bittensor/wallets).")
  String path;

  /** The configured wallet with the flags applied. */
  WalletSettings resolve(WalletSettings configured) {
    return new WalletSettings(name != null ? name : configured.coldkey(), hotkey != null ? hotkey : configured.hotkey(),
        path != null ? WalletLoader.expandHome(path) : configured.walletsDirectory(), configured.hotkeyPassword());
  }

  /** The wallet these settings name; {@code environment} supplies btwallet's {@code BT_PW_*} coldkey passwords. */
  static Wallet wallet(WalletSettings settings, Map<String, String> environment) {
    return new WalletLoader(settings.walletsDirectory(), environment).wallet(settings.coldkey(), settings.hotkey());
  }

  /** The hotkey that signs, decrypted with {@code QUARRY_WALLET_PASSWORD} if the file is encrypted. */
  static Keypair hotkey(WalletSettings settings, Map<String, String> environment) {
    Wallet wallet = wallet(settings, environment);
    Optional<Secret> password = settings.hotkeyPassword();
    try {
      return password.isPresent() ? wallet.hotkey(password.get().reveal().toCharArray()) : wallet.hotkey();
    } catch (KeyfileException | java.io.UncheckedIOException unreadable) {
      throw new UserError("cannot read the hotkey " + describe(settings) + ": " + unreadable.getMessage()
          + ". Create it with `btcli wallet new_hotkey` or `quarry wallet new-hotkey`, or point BT_WALLET_COLD / BT_WALLET_HOT "
          + "/ BT_WALLET_PATH (or --wallet.name / --wallet.hotkey / --wallet.path) at it");
    }
  }

  static String describe(WalletSettings settings) {
    Path file = settings.hotkeyFile();
    return "'" + settings.coldkey() + "/" + settings.hotkey() + "' (" + file + ")";
  }
}
