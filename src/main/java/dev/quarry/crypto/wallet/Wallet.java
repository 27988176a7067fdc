package dev.quarry.crypto.wallet;

import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Keypair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * One btwallet wallet and its selected hotkey: {@code <root>/<name>/coldkey},
 * {@code coldkeypub.txt} and {@code hotkeys/<hotkey>}. Loads keys on demand (nothing secret is
 * cached). Obtain instances from {@link WalletLoader}. {@code toString} shows names and paths only.
 */
public final class Wallet {

  private final Path root;
  private final String name;
  private final String hotkeyName;
  private final Map<String, String> environment;
  private final NaclSecretBox box;

  Wallet(Path root, String name, String hotkeyName, Map<String, String> environment, NaclSecretBox box) {
    this.root = root;
    this.name = name;
    this.hotkeyName = hotkeyName;
    this.environment = environment;
    this.box = box;
  }

  public String name() {
    return name;
  }

  public String hotkeyName() {
    return hotkeyName;
  }

  public Path directory() {
    return root.resolve(name);
  }

  public Path coldkeyPath() {
    return directory().resolve("coldkey");
  }

  public Path coldkeypubPath() {
    return directory().resolve("coldkeypub.txt");
  }

  public Path hotkeyPath() {
    return directory().resolve("hotkeys").resolve(hotkeyName);
  }

  public Path hotkeypubPath() {
    return directory().resolve("hotkeys").resolve(hotkeyName + "pub.txt");
  }

  /**
   * The hotkey pair. Plain key files (btwallet's default for hotkeys) need no password; an
   * encrypted hotkey is opened with the password from btwallet's {@code BT_PW_…} variable.
   */
  public Keypair hotkey() {
    return keypair(hotkeyPath(), null, "hotkey");
  }

  /** The hotkey pair, decrypting with {@code password} if the file is encrypted. */
  public Keypair hotkey(char[] password) {
    return keypair(hotkeyPath(), password, "hotkey");
  }

  /** The hotkey's account id, read without decrypting when a public file exists. */
  public AccountId hotkeyAccount() {
    if (Files.exists(hotkeypubPath())) {
      return Keyfiles.accountId(read(hotkeypubPath(), "hotkeypub"), hotkeypubPath());
    }
    byte[] data = read(hotkeyPath(), "hotkey");
    if (NaclSecretBox.isNacl(data)) {
      throw new KeyfileException("hotkey " + hotkeyPath() + " is encrypted and has no " + hotkeypubPath().getFileName()
          + "; load it with a password");
    }
    try {
      return Keyfiles.accountId(data, hotkeyPath());
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  /** The coldkey's public account id from {@code coldkeypub.txt}. */
  public AccountId coldkeyAccount() {
    return Keyfiles.accountId(read(coldkeypubPath(), "coldkeypub"), coldkeypubPath());
  }

  /** True when the coldkey file is encrypted (it normally is). */
  public boolean coldkeyIsEncrypted() {
    byte[] data = read(coldkeyPath(), "coldkey");
    try {
      return isEncrypted(data);
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  /**
   * The coldkey pair, decrypted with {@code password} (or, when null, btwallet's
   * {@code BT_PW_<PATH>} environment variable). Argon2i with 512 MiB makes this take seconds.
   */
  public Keypair coldkey(char[] password) {
    return keypair(coldkeyPath(), password, "coldkey");
  }

  /** btwallet's environment variable name for a key file's password. */
  public static String passwordVariable(Path keyfile) {
    String path = keyfile.toString().replace(java.io.File.separatorChar, '_').replace('.', '_');
    return "BT_PW_" + path.toUpperCase(Locale.ROOT);
  }

  private Keypair keypair(Path file, char[] password, String what) {
    byte[] data = read(file, what);
    byte[] plain = null;
    try {
      if (NaclSecretBox.isNacl(data)) {
        char[] effective = password != null ? password : passwordFromEnvironment(file);
        if (effective == null) {
          throw new KeyfileException(what + " " + file + " is encrypted: give its password (or set "
              + passwordVariable(file) + " as btwallet does)");
        }
        try {
          plain = box.open(data, effective);
        } finally {
          if (effective != password) {
            Arrays.fill(effective, '\0');
          }
        }
        if (plain == null) {
          throw new KeyfileException("wrong password for " + what + " " + file);
        }
        return Keyfiles.keypair(plain, file);
      }
      if (isEncrypted(data)) {
        throw new KeyfileException(what + " " + file + " uses a legacy encryption (ansible-vault or Fernet) that Quarry "
            + "does not read; re-encrypt it with a current btwallet (`btcli wallet update`)");
      }
      return Keyfiles.keypair(data, file);
    } finally {
      Arrays.fill(data, (byte) 0);
      if (plain != null) {
        Arrays.fill(plain, (byte) 0);
      }
    }
  }

  private char[] passwordFromEnvironment(Path file) {
    String encoded = environment.get(passwordVariable(file));
    if (encoded == null) {
      return null;
    }
    byte[] masked;
    try {
      masked = Base64.getDecoder().decode(encoded.strip());
    } catch (IllegalArgumentException invalid) {
      throw new KeyfileException(passwordVariable(file) + " is not valid base64");
    }
    byte[] name = passwordVariable(file).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < masked.length; i++) {
      masked[i] ^= name[i % name.length];
    }
    java.nio.CharBuffer decoded = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(masked));
    char[] password = Arrays.copyOf(decoded.array(), decoded.limit());
    Arrays.fill(decoded.array(), '\0');
    Arrays.fill(masked, (byte) 0);
    return password;
  }

  private static boolean isEncrypted(byte[] data) {
    String head = new String(data, 0, Math.min(data.length, 14), StandardCharsets.US_ASCII);
    return NaclSecretBox.isNacl(data) || head.startsWith("$ANSIBLE_VAULT") || head.startsWith("gAAAAA");
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException missing) {
      throw new KeyfileException(what + " file " + file + " does not exist; create the wallet with btcli or point "
          + "--wallet.path/BT_WALLET_PATH at the right directory");
    } catch (IOException e) {
      throw new KeyfileException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Wallet[name=" + name + ", hotkey=" + hotkeyName + ", path=" + directory() + "]";
  }
}
