package dev.quarry.blockzero.miner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.blockzero.ModelHash;
import dev.quarry.blockzero.SignedMessages;
import dev.quarry.config.Secret;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import java.io.FileNotFoundException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A BlockZero validator's checkpoint server ({@code mycelia/validator/server.py}) as a miner
 * calls it ({@code mycelia/shared/client.py}):
 *
 * <ul>
 *   <li>{@code GET /get-checkpoint} with a form-encoded body {@code target_hotkey_ss58,
 *       origin_hotkey_ss58, origin_block, signature, expert_group_id}, the signature over
 *       {@code validator pubkey || block}; the answer is the raw {@code .pt} file;
 *   <li>{@code POST /submit-checkpoint}, multipart: the same identity fields, {@code model_hex}
 *       (the 24-byte model hash), {@code block_hex} (pubkey || block), the signature over their
 *       bytes, and the file as {@code file}.
 * </ul>
 *
 * The optional bearer token is never logged; the hotkey signs, its secret never leaves the
 * {@link Keypair}. Calls return at once; failures are {@link BlockZeroHttpException}s.
 */
public final class ValidatorClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(300);

  private final HttpClient http;
  private final Optional<Secret> token;

  public ValidatorClient(HttpClient http, Optional<Secret> token) {
    this.http = http;
    this.token = token;
  }

  /** The validator's base URL from its axon. */
  public static URI baseUrl(String host, int port) {
    String literal = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create("http://" + literal + ":" + port);
  }

  /**
   * Downloads the group's file into {@code target} (written beside it as {@code .tmp_<name>}
   * and moved into place only when complete). Completes with the bytes received.
   */
  public CompletionStage<Long> download(URI validator, AccountId validatorHotkey, Keypair miner, long block, int group, Path target) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("target_hotkey_ss58", validatorHotkey.ss58());
    form.put("origin_hotkey_ss58", miner.ss58Address());
    form.put("origin_block", Long.toString(block));
    form.put("signature", SignedMessages.sign(miner, SignedMessages.blockMessage(validatorHotkey, block)));
    form.put("expert_group_id", Integer.toString(group));
    StringBuilder body = new StringBuilder();
    form.forEach((key, value) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(key, StandardCharsets.UTF_8))
        .append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    URI uri = validator.resolve("/get-checkpoint");
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .method("GET", HttpRequest.BodyPublishers.ofString(body.toString()));
    token.ifPresent(secret -> request.header("Authorization", "Bearer " + secret.reveal()));
    Path temporary = target.resolveSibling(".tmp_" + target.getFileName());
    try {
      Files.createDirectories(target.getParent());
      Files.deleteIfExists(temporary);
    } catch (java.io.IOException unwritable) {
      return CompletableFuture.failedFuture(unwritable);
    }
    return http.sendAsync(request.build(), responseInfo -> responseInfo.statusCode() == 200
            ? HttpResponse.BodySubscribers.ofFile(temporary)
            : HttpResponse.BodySubscribers.replacing(null))
        .handle((response, failure) -> {
          try {
            if (failure != null) {
              Throwable cause = unwrap(failure);
              throw new CompletionException(new BlockZeroHttpException("validator " + uri + " did not send the checkpoint: " + cause, cause));
            }
            if (response.statusCode() != 200) {
              throw new CompletionException(new BlockZeroHttpException(response.statusCode(), "validator " + uri + " refused the download ("
                  + response.statusCode() + ")"));
            }
            long size = Files.size(temporary);
            Files.move(temporary, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return size;
          } catch (java.io.IOException io) {
            throw new CompletionException(io);
          } finally {
            try {
              Files.deleteIfExists(temporary);
            } catch (java.io.IOException ignored) {
              // best effort: a leftover .tmp_ file is ignored by every scan
            }
          }
        });
  }

  /**
   * Uploads {@code file} (whose model hash is {@code hash}) to the validator; completes with the
   * validator's JSON answer ({@code {"status": "ok", "stored_path", "bytes", "sha256"}}).
   */
  public CompletionStage<JsonNode> submit(URI validator, AccountId validatorHotkey, Keypair miner, long block, Path file, ModelHash hash) {
    if (!Files.isRegularFile(file)) {
      return CompletableFuture.failedFuture(new FileNotFoundException(file.toString()));
    }
    byte[] blockMessage = SignedMessages.blockMessage(validatorHotkey, block);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("target_hotkey_ss58", validatorHotkey.ss58());
    fields.put("origin_hotkey_ss58", miner.ss58Address());
    fields.put("origin_block", Long.toString(block));
    fields.put("signature", SignedMessages.sign(miner, SignedMessages.submissionMessage(hash, blockMessage)));
    fields.put("model_hex", hash.hex());
    fields.put("block_hex", Hex.encode(blockMessage));
    String boundary = "quarry-" + UUID.randomUUID();
    StringBuilder head = new StringBuilder();
    fields.forEach((name, value) -> head.append("--").append(boundary).append("\r\n")
        .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n").append(value).append("\r\n"));
    head.append("--").append(boundary).append("\r\n")
        .append("Content-Disposition: form-data; name=\"file\"; filename=\"").append(file.getFileName()).append("\"\r\n")
        .append("Content-Type: application/octet-stream\r\n\r\n");
    String tail = "\r\n--" + boundary + "--\r\n";
    HttpRequest.BodyPublisher body;
    try {
      body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head.toString()),
          HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString(tail));
    } catch (FileNotFoundException missing) {
      return CompletableFuture.failedFuture(missing);
    }
    URI uri = validator.resolve("/submit-checkpoint");
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(SUBMIT_TIMEOUT)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .header("Authorization", "Bearer " + token.map(Secret::reveal).orElse(""))
        .POST(body).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
      if (failure != null) {
        Throwable cause = unwrap(failure);
        throw new CompletionException(new BlockZeroHttpException("validator " + uri + " did not take the submission: " + cause, cause));
      }
      String answer = response.body() == null ? "" : response.body();
      if (response.statusCode() / 100 != 2) {
        throw new CompletionException(new BlockZeroHttpException(response.statusCode(), "validator " + uri + " refused the submission ("
            + response.statusCode() + "): " + answer.substring(0, Math.min(300, answer.length()))));
      }
      try {
        return JSON.readTree(answer);
      } catch (java.io.IOException notJson) {
        return JSON.createObjectNode().put("status", "ok").put("http_status", response.statusCode());
      }
    });
  }

  static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
