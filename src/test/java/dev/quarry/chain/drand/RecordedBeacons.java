package dev.quarry.chain.drand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The real quicknet beacons in {@code vectors/drand/quicknet.json}. */
final class RecordedBeacons {

  record Recorded(long round, String signature, String randomness, String windowRandomness) {
    String v1Json() {
      return "{\"round\":" + round + ",\"randomness\":\"" + randomness + "\",\"signature\":\"" + signature + "\"}";
    }

    /** The v2 API omits randomness: clients derive it from the signature. */
    String v2Json() {
      return "{\"round\":" + round + ",\"signature\":\"" + signature + "\"}";
    }
  }

  private RecordedBeacons() {}

  static JsonNode document() {
    try (InputStream in = RecordedBeacons.class.getResourceAsStream("/vectors/drand/quicknet.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }

  static List<Recorded> all() {
    List<Recorded> beacons = new ArrayList<>();
    for (JsonNode node : document().get("beacons")) {
      beacons.add(new Recorded(node.get("round").asLong(), node.get("signature").asText(), node.get("randomness").asText(),
          node.get("window_randomness").asText()));
    }
    return beacons;
  }

  static Recorded round(long round) {
    return all().stream().filter(beacon -> beacon.round() == round).findFirst().orElseThrow();
  }

  static String blockHash() {
    return document().get("block_hash").asText();
  }
}
