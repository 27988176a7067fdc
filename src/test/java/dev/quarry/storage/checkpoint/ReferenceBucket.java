package dev.quarry.storage.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.storage.StorageTestResources;
import dev.quarry.storage.objectstore.ObjectStore;
import java.io.IOException;

/** Fills a bucket with the checkpoint chain laid out as grail's publisher writes it (vectors/storage/checkpoints). */
final class ReferenceBucket {

  static final JsonNode LAYOUT = StorageTestResources.json("checkpoints/layout.json");

  private ReferenceBucket() {}

  static void upload(ObjectStore store) throws IOException {
    for (JsonNode file : LAYOUT.get("text_files")) {
      store.put(CheckpointKeys.PREFIX + file.asText(), StorageTestResources.bytes("checkpoints/" + file.asText()));
    }
    for (var binary : LAYOUT.get("binaries").properties()) {
      store.put(CheckpointKeys.PREFIX + binary.getKey(), StorageTestResources.bytes(binary.getValue().asText()));
    }
    store.put(CheckpointKeys.PREFIX + "checkpoint-0/FULL/FULL", new byte[0]);
    store.put(CheckpointKeys.PREFIX + "checkpoint-30/DELTA/DELTA", new byte[0]);
    store.put(CheckpointKeys.PREFIX + "checkpoint-60/DELTA/DELTA", new byte[0]);
  }

  static void markAllReady(ObjectStore store) throws IOException {
    store.put(CheckpointKeys.readyMarkerKey(0, 30), new byte[0]);
    store.put(CheckpointKeys.readyMarkerKey(30, 60), new byte[0]);
    store.put(CheckpointKeys.readyMarkerKey(60, 90), new byte[0]);
  }

  static String expectedHash(long window) {
    return LAYOUT.get("expected_hash").get(Long.toString(window)).asText();
  }
}
