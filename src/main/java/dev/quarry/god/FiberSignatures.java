package dev.quarry.god;

import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Sr25519;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How Fiber 2.4.0 checks a request signature: the message is {@code "{nonce}:{miner_hotkey}"} for
 * a GET ({@code fiber/utils.py::construct_header_signing_message}), verified with
 * substrate-interface 1.7.10's {@code Keypair(ss58_address=validator).verify(message, signature)}:
 *
 * <ul>
 *   <li>the signature header must start with {@code "0x"} (lower case); otherwise it stays a string
 *       and substrate-interface raises {@code TypeError}, which Fiber does not catch — the request
 *       fails with 500 ({@link Verdict#UNREADABLE});
 *   <li>the rest is read like Python's {@code bytes.fromhex}: pairs of hex digits of either case,
 *       ASCII whitespace allowed between pairs; anything else, or a length other than 64 bytes, is
 *       a {@code ValueError}, which Fiber turns into "invalid signature" ({@link Verdict#INVALID});
 *   <li>schnorrkel with the {@code "substrate"} context over the message's UTF-8 bytes, then again
 *       over {@code <Bytes>message</Bytes>} (polkadot-js extension signatures).
 * </ul>
 */
public final class FiberSignatures {

  /** The outcome of checking one signature header. */
  public enum Verdict { VALID, INVALID, UNREADABLE }

  private FiberSignatures() {}

  /** Fiber's signed message for a GET request. */
  public static String getMessage(String nonce, String minerHotkey) {
    return nonce + ":" + minerHotkey;
  }

  /** Checks {@code signatureHeader} as the validator's signature over {@code message}. */
  public static Verdict verify(String message, String signatureHeader, AccountId validator) {
    if (!signatureHeader.startsWith("0x")) {
      return Verdict.UNREADABLE;
    }
    byte[] signature = fromHex(signatureHeader.substring(2));
    if (signature == null || signature.length != Sr25519.SIGNATURE_LENGTH) {
      return Verdict.INVALID;
    }
    byte[] data = message.getBytes(StandardCharsets.UTF_8);
    return Sr25519.verifyAllowingBytesWrapper(validator.bytes(), data, signature) ? Verdict.VALID : Verdict.INVALID;
  }

  /** Python's {@code bytes.fromhex}, or null where it raises {@code ValueError}. */
  static byte[] fromHex(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() / 2);
    int at = 0;
    while (true) {
      while (at < text.length() && isAsciiSpace(text.charAt(at))) {
        at++;
      }
      if (at >= text.length()) {
        return out.toByteArray();
      }
      if (at + 1 >= text.length()) {
        return null;
      }
      int high = hexDigit(text.charAt(at));
      int low = hexDigit(text.charAt(at + 1));
      if (high < 0 || low < 0) {
        return null;
      }
      out.write(high << 4 | low);
      at += 2;
    }
  }

  private static boolean isAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
