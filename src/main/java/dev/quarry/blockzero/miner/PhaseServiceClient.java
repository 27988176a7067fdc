package dev.quarry.blockzero.miner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.blockzero.BlockRange;
import dev.quarry.blockzero.PhaseInfo;
import dev.quarry.blockzero.PhaseSchedule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The subnet owner's phase service ({@code mycelia/sn_owner/phase_service.py}): {@code /get_phase},
 * {@code /blocks_until_next_phase} and {@code /previous_phase_blocks}, with the reference's
 * 10-second timeout. Every call returns at once; failures (no answer, an HTTP error, a body that is
 * not the expected JSON) fail the stage with a {@link BlockZeroHttpException} saying which.
 */
public final class PhaseServiceClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI base;
  private final HttpClient http;

  public PhaseServiceClient(URI base, HttpClient http) {
    this.base = base;
    this.http = http;
  }

  public URI base() {
    return base;
  }

  /** The phase the service's current block is in. */
  public CompletionStage<PhaseInfo> phase() {
    return get("/get_phase").thenApply(root -> {
      try {
        return new PhaseInfo(number(root, "block"), number(root, "cycle_length"), number(root, "cycle_index"),
            number(root, "cycle_block_index"), text(root, "phase_name"), (int) number(root, "phase_index"),
            number(root, "phase_start_block"), number(root, "phase_end_block"), number(root, "blocks_into_phase"),
            number(root, "blocks_remaining_in_phase"));
      } catch (IllegalArgumentException malformed) {
        throw new CompletionException(new BlockZeroHttpException(200, base + "/get_phase answered " + malformed.getMessage()));
      }
    });
  }

  /** For every phase, its next occurrence and the blocks until it starts. */
  public CompletionStage<Map<String, PhaseSchedule.Upcoming>> upcoming() {
    return get("/blocks_until_next_phase").thenApply(root -> {
      Map<String, PhaseSchedule.Upcoming> result = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : root.properties()) {
        long[] values = triple(entry.getValue(), 3, "/blocks_until_next_phase");
        result.put(entry.getKey(), new PhaseSchedule.Upcoming(new BlockRange(values[0], values[1]), values[2]));
      }
      return Collections.unmodifiableMap(result);
    });
  }

  /** For every phase, its most recent completed occurrence. */
  public CompletionStage<Map<String, BlockRange>> previous() {
    return get("/previous_phase_blocks").thenApply(root -> {
      Map<String, BlockRange> result = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : root.properties()) {
        long[] values = triple(entry.getValue(), 2, "/previous_phase_blocks");
        result.put(entry.getKey(), new BlockRange(values[0], values[1]));
      }
      return Collections.unmodifiableMap(result);
    });
  }

  private CompletionStage<JsonNode> get(String path) {
    // Appended, not resolved: an owner URL with a path prefix keeps it, as the reference's f"{owner_url}{path}" does.
    String baseText = base.toString();
    URI uri = URI.create((baseText.endsWith("/") ? baseText.substring(0, baseText.length() - 1) : baseText) + path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        throw new CompletionException(new BlockZeroHttpException("phase service " + uri + " did not answer: " + cause, cause));
      }
      if (response.statusCode() != 200) {
        String body = response.body() == null ? "" : response.body();
        throw new CompletionException(new BlockZeroHttpException(response.statusCode(), "phase service " + uri + " answered "
            + response.statusCode() + ": " + body.substring(0, Math.min(200, body.length()))));
      }
      try {
        JsonNode root = JSON.readTree(response.body());
        if (root == null || !root.isObject()) {
          throw new CompletionException(new BlockZeroHttpException(200, "phase service " + uri + " answered something other than a JSON object"));
        }
        return root;
      } catch (java.io.IOException notJson) {
        throw new CompletionException(new BlockZeroHttpException(200, "phase service " + uri + " answered invalid JSON"));
      }
    });
  }

  private static long number(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || !value.canConvertToLong()) {
      throw new IllegalArgumentException("without an integer '" + field + "'");
    }
    return value.asLong();
  }

  private static String text(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("without a string '" + field + "'");
    }
    return value.asText();
  }

  private long[] triple(JsonNode value, int size, String path) {
    if (!value.isArray() || value.size() != size) {
      throw new CompletionException(new BlockZeroHttpException(200, base + path + " answered a malformed entry"));
    }
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      if (!value.get(i).canConvertToLong()) {
        throw new CompletionException(new BlockZeroHttpException(200, base + path + " answered a malformed entry"));
      }
      out[i] = value.get(i).asLong();
    }
    return out;
  }

  /** A completed stage, for callers that compose. */
  static <T> CompletableFuture<T> failed(Throwable failure) {
    return CompletableFuture.failedFuture(failure);
  }
}
