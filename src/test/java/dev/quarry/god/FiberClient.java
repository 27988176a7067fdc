package dev.quarry.god;

import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.Sr25519;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The validator side of Fiber 2.4.0 for tests ({@code fiber/validator/client.py::_get_headers},
 * {@code generate_nonce.py}): nonce {@code "<time_ns>_<10 letters or digits>"}, message
 * {@code "<nonce>:<miner ss58>"}, signature {@code "0x" + hex(sr25519 signature)}.
 */
final class FiberClient {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Keypair validator;
  private final LongSupplier clock;

  FiberClient(Keypair validator, LongSupplier clock) {
    this.validator = validator;
    this.clock = clock;
  }

  FiberClient(Keypair validator) {
    this(validator, NonceCache::systemNanos);
  }

  String nonce() {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      suffix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return clock.getAsLong() + "_" + suffix;
  }

  /** The headers of a GET to {@code minerSs58}. */
  Map<String, String> headers(String minerSs58) {
    return headers(minerSs58, nonce());
  }

  Map<String, String> headers(String minerSs58, String nonce) {
    String message = FiberSignatures.getMessage(nonce, minerSs58);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put(TrainingRepoEndpoint.VALIDATOR_HOTKEY, validator.ss58Address());
    headers.put(TrainingRepoEndpoint.MINER_HOTKEY, minerSs58);
    headers.put(TrainingRepoEndpoint.NONCE, nonce);
    headers.put(TrainingRepoEndpoint.SIGNATURE, "0x" + Hex.encode(Sr25519.sign(validator, message.getBytes(StandardCharsets.UTF_8))));
    return headers;
  }
}
