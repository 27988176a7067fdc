package dev.quarry.cli;

import dev.quarry.crypto.Mnemonic;
import dev.quarry.crypto.wallet.KeyfileException;
import dev.quarry.crypto.wallet.Wallet;
import dev.quarry.crypto.wallet.WalletLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quarry wallet …}: inspect and create btwallet-compatible wallets. Never prints secrets. */
@Command(
    name = "wallet",
    description = "Inspect or create btwallet-compatible wallets (~/.bittensor/wallets).",
    mixinStandardHelpOptions = true,
    subcommands = {WalletCommand.Show.class, WalletCommand.NewHotkey.class})
public final class WalletCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * btcli's flags over the configured wallet: {@code .env} and the environment are read by the
   * configuration (the one parser of BT_WALLET_*), exactly as {@code quarry mine} and
   * {@code quarry doctor} read them.
   */
  static final class Selection {
    @Mixin EnvFileOption envFile;
    @Mixin dev.quarry.cli.WalletOptions flags;

    WalletLoader loader(dev.quarry.config.WalletSettings resolved) {
      return new WalletLoader(resolved.walletsDirectory(), System.getenv());
    }

    dev.quarry.config.WalletSettings resolve() {
      try {
        return flags.resolve(dev.quarry.config.QuarrySettings.wallet(envFile.environment()));
      } catch (dev.quarry.config.ConfigurationError problems) {
        throw new UserError(problems.getMessage());
      }
    }
  }

  @Command(name = "show", description = "Addresses of the coldkey (from coldkeypub.txt) and hotkey; no password needed.")
  static final class Show implements Runnable {
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Mixin Selection options;

    @Override
    public void run() {
      Wallet wallet;
      try {
        dev.quarry.config.WalletSettings resolved = options.resolve();
        wallet = options.loader(resolved).wallet(resolved.coldkey(), resolved.hotkey());
      } catch (KeyfileException e) {
        throw new UserError(e.getMessage());
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("wallet", wallet.name());
      out.put("hotkey", wallet.hotkeyName());
      out.put("directory", wallet.directory().toString());
      out.put("coldkeyAddress", describe(() -> wallet.coldkeyAccount().ss58()));
      out.put("coldkeyEncrypted", Files.exists(wallet.coldkeyPath()) ? describe(() -> String.valueOf(wallet.coldkeyIsEncrypted())) : "no coldkey file");
      out.put("hotkeyAddress", describe(() -> wallet.hotkeyAccount().ss58()));
      JsonOutput.print(spec.commandLine().getOut(), out);
    }

    private static String describe(java.util.function.Supplier<String> value) {
      try {
        return value.get();
      } catch (KeyfileException e) {
        return "unavailable: " + e.getMessage();
      }
    }
  }

  @Command(name = "new-hotkey", description = "Create a hotkey from a fresh mnemonic (kept in the key file, as btwallet does).")
  static final class NewHotkey implements Runnable {
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Mixin Selection options;
    @Option(names = "--words", defaultValue = "12", description = "12, 15, 18, 21 or 24 words.") int words;
    @Option(names = "--overwrite", description = "Replace an existing hotkey file.") boolean overwrite;

    @Override
    public void run() {
      String mnemonic;
      try {
        mnemonic = Mnemonic.generate(words, new SecureRandom());
      } catch (IllegalArgumentException invalid) {
        throw new UserError(invalid.getMessage());
      }
      Wallet wallet;
      try {
        dev.quarry.config.WalletSettings resolved = options.resolve();
        wallet = options.loader(resolved).createHotkey(resolved.coldkey(), resolved.hotkey(), mnemonic, overwrite);
      } catch (KeyfileException e) {
        throw new UserError(e.getMessage() + (overwrite ? "" : " (use --overwrite to replace it)"));
      }
      Path file = wallet.hotkeyPath();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("hotkeyAddress", wallet.hotkeyAccount().ss58());
      out.put("file", file.toString());
      out.put("note", "the mnemonic is stored in the key file (mode 0600); back that file up");
      JsonOutput.print(spec.commandLine().getOut(), out);
    }
  }
}
