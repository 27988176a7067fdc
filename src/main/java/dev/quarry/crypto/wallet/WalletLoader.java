package dev.quarry.crypto.wallet;

import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.Mnemonic;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;

/**
 * Finds and creates btwallet wallets. The root is {@code BT_WALLET_PATH} or
 * {@code ~/.bittensor/wallets}; wallet and hotkey names default to {@code BT_WALLET_NAME} /
 * {@code BT_WALLET_HOTKEY}, then {@code "default"}, as in btwallet. Files are written with mode
 * 0600 in 0700 directories.
 */
public final class WalletLoader {

  public static final String DEFAULT_NAME = "default";

  private final Path root;
  private final Map<String, String> environment;
  private final NaclSecretBox box;

  public WalletLoader(Path root, Map<String, String> environment) {
    this(root, environment, NaclSecretBox.BTWALLET);
  }

  WalletLoader(Path root, Map<String, String> environment, NaclSecretBox box) {
    this.root = root.toAbsolutePath().normalize();
    this.environment = Map.copyOf(environment);
    this.box = box;
  }

  /** A loader over the process environment (BT_WALLET_PATH, BT_WALLET_NAME, BT_WALLET_HOTKEY, BT_PW_*). */
  public static WalletLoader fromEnvironment() {
    Map<String, String> environment = System.getenv();
    return new WalletLoader(defaultRoot(environment), environment);
  }

  /** {@code BT_WALLET_PATH} (with {@code ~} expanded) or {@code ~/.bittensor/wallets}. */
  public static Path defaultRoot(Map<String, String> environment) {
    String configured = environment.get("BT_WALLET_PATH");
    return expandHome(configured == null || configured.isBlank() ? "~/.bittensor/wallets" : configured);
  }

  /** Expands a leading {@code ~} to the user's home directory. */
  public static Path expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + path.substring(1));
    }
    return Path.of(path);
  }

  public Path root() {
    return root;
  }

  /** The wallet {@code name} with hotkey {@code hotkey}; null names use the environment or "default". */
  public Wallet wallet(String name, String hotkey) {
    String walletName = pick(name, "BT_WALLET_NAME");
    String hotkeyName = pick(hotkey, "BT_WALLET_HOTKEY");
    for (String part : new String[] {walletName, hotkeyName}) {
      if (part.contains("/") || part.contains("\\") || part.equals("..") || part.equals(".")) {
        throw new KeyfileException("wallet and hotkey names must be plain names, got '" + part + "'");
      }
    }
    return new Wallet(root, walletName, hotkeyName, environment, box);
  }

  /**
   * Writes a hotkey from a mnemonic as btwallet does (plain JSON with phrase, seed, private key
   * and public fields) plus {@code <hotkey>pub.txt}. Refuses to overwrite unless asked.
   */
  public Wallet createHotkey(String walletName, String hotkeyName, String mnemonic, boolean overwrite) {
    Wallet wallet = wallet(walletName, hotkeyName);
    byte[] miniSecret = Mnemonic.toMiniSecret(mnemonic, "");
    try {
      Keypair pair = Mnemonic.toKeypair(mnemonic, "");
      write(wallet.hotkeyPath(), Keyfiles.serialize(pair, mnemonic, miniSecret, true), overwrite);
      write(wallet.hotkeypubPath(), Keyfiles.serialize(pair, null, null, false), overwrite);
      return wallet;
    } finally {
      Arrays.fill(miniSecret, (byte) 0);
    }
  }

  /**
   * Writes a {@code $NACL}-encrypted coldkey and {@code coldkeypub.txt} from a mnemonic.
   * Derives the key with btwallet's argon2i parameters (512 MiB, seconds of CPU).
   */
  public Wallet createColdkey(String walletName, String mnemonic, char[] password, boolean overwrite) {
    Wallet wallet = wallet(walletName, null);
    byte[] miniSecret = Mnemonic.toMiniSecret(mnemonic, "");
    byte[] plain = null;
    try {
      Keypair pair = Mnemonic.toKeypair(mnemonic, "");
      plain = Keyfiles.serialize(pair, mnemonic, miniSecret, true);
      write(wallet.coldkeyPath(), box.seal(plain, password, new SecureRandom()), overwrite);
      write(wallet.coldkeypubPath(), Keyfiles.serialize(pair, null, null, false), overwrite);
      return wallet;
    } finally {
      Arrays.fill(miniSecret, (byte) 0);
      if (plain != null) {
        Arrays.fill(plain, (byte) 0);
      }
    }
  }

  private String pick(String explicit, String variable) {
    if (explicit != null && !explicit.isBlank()) {
      return explicit;
    }
    String fromEnvironment = environment.get(variable);
    return fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_NAME : fromEnvironment;
  }

  private static void write(Path file, byte[] content, boolean overwrite) {
    try {
      Path directory = file.getParent();
      if (!Files.isDirectory(directory)) {
        Files.createDirectories(directory);
        setPermissions(directory, "rwx------");
      }
      if (!overwrite && Files.exists(file)) {
        throw new KeyfileException(file + " already exists; refusing to overwrite a key file");
      }
      Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
      setPermissions(temporary, "rw-------");
      Files.write(temporary, content, StandardOpenOption.TRUNCATE_EXISTING);
      Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException exists) {
      throw new KeyfileException(file + " already exists; refusing to overwrite a key file");
    } catch (IOException e) {
      throw new KeyfileException("cannot write key file " + file + ": " + e.getMessage(), e);
    }
  }

  private static void setPermissions(Path path, String permissions) throws IOException {
    if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }
  }
}
