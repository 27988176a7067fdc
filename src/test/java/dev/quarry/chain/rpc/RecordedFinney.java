package dev.quarry.chain.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.quarry.crypto.TestVectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the recorded finney traffic of chosen seeds. Requests match a recording exactly after
 * light normalization (trailing nulls dropped, {@code state_getStorageAt} = {@code
 * state_getStorage}, state_call argument hex with a {@code 0x} prefix), or else a recording of
 * the same request pinned at a block hash (the SDK often pins; Quarry often asks for the best
 * block). Unrecorded requests get a "not recorded" error, so a test cannot pass on invented data.
 */
public final class RecordedFinney implements FakeRpcServer.Responder {

  private static final JsonNode RECORDING = TestVectors.load("finney_recorded_rpc.json").get("seeds");

  private final Map<String, List<JsonNode>> exact = new HashMap<>();
  private final Map<String, List<JsonNode>> unpinned = new HashMap<>();
  private final Map<String, AtomicInteger> turns = new HashMap<>();

  public RecordedFinney(String... seeds) {
    for (String seed : seeds) {
      JsonNode methods = RECORDING.get(seed);
      if (methods == null) {
        throw new IllegalArgumentException("no recorded seed " + seed);
      }
      methods.properties().forEach(method -> method.getValue().properties().forEach(entry -> {
        ArrayNode params;
        try {
          params = (ArrayNode) FakeRpcServer.MAPPER.readTree(entry.getKey());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        List<JsonNode> responses = new ArrayList<>();
        if (entry.getValue().isArray()) {
          entry.getValue().forEach(responses::add);
        } else {
          responses.add(entry.getValue());
        }
        exact.putIfAbsent(key(method.getKey(), params, false), responses);
        unpinned.putIfAbsent(key(method.getKey(), params, true), responses);
      }));
    }
  }

  /** The recorded response for a request, or null when nothing matches. */
  public synchronized JsonNode lookup(String method, ArrayNode params) {
    String exactKey = key(method, params, false);
    List<JsonNode> responses = exact.get(exactKey);
    if (responses == null) {
      exactKey = key(method, params, true);
      responses = unpinned.get(exactKey);
    }
    if (responses == null) {
      return null;
    }
    int turn = turns.computeIfAbsent(exactKey, k -> new AtomicInteger()).getAndIncrement();
    return responses.get(turn % responses.size());
  }

  @Override
  public FakeRpcServer.Answer answer(String method, ArrayNode params, int connection) {
    JsonNode response = lookup(method, params);
    if (response == null) {
      return new FakeRpcServer.Answer.Error(-32099, "not recorded: " + method + " " + params, null);
    }
    if (response.has("error")) {
      JsonNode error = response.get("error");
      return new FakeRpcServer.Answer.Error(error.path("code").asInt(), error.path("message").asText(),
          error.has("data") ? error.get("data").asText() : null);
    }
    return new FakeRpcServer.Answer.Result(response.get("result"));
  }

  static String key(String method, ArrayNode params, boolean dropTrailingHash) {
    String canonicalMethod = method.equals("state_getStorageAt") ? "state_getStorage" : method;
    List<JsonNode> values = new ArrayList<>();
    params.forEach(values::add);
    while (!values.isEmpty() && values.get(values.size() - 1).isNull()) {
      values.remove(values.size() - 1);
    }
    if (dropTrailingHash && !values.isEmpty() && values.size() > minimumArity(canonicalMethod)) {
      JsonNode last = values.get(values.size() - 1);
      if (last.isTextual() && last.asText().matches("0x[0-9a-fA-F]{64}")) {
        values.remove(values.size() - 1);
      }
    }
    ArrayNode canonical = FakeRpcServer.MAPPER.createArrayNode();
    for (int i = 0; i < values.size(); i++) {
      JsonNode value = values.get(i);
      if (canonicalMethod.equals("state_call") && i == 1 && value.isTextual()) {
        String hex = value.asText().toLowerCase(java.util.Locale.ROOT);
        canonical.add(hex.startsWith("0x") ? hex : "0x" + hex);
      } else {
        canonical.add(value);
      }
    }
    return canonicalMethod + " " + canonical;
  }

  private static int minimumArity(String method) {
    return switch (method) {
      case "state_call" -> 2;
      case "state_getStorage" -> 1;
      default -> 0;
    };
  }
}
