package dev.quarry.validator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainException;
import dev.quarry.grail.protocol.BlockHash;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A recorded chain: the state a local run leaves behind so that {@code quarry validate --local}
 * can check its windows later, after the in-process {@code LocalChain} is gone. It holds the head,
 * the subnet's neurons and read-credential commitments, and the hash and timestamp of every window
 * start (the only blocks a validator reads: {@code W} for seeds and {@code W + 30} for the deadline
 * and challenge randomness).
 *
 * <p>File: {@code <data-dir>/chain/snapshot.json}, UTF-8 JSON:
 *
 * <pre>
 * {"format": "quarry-chain-snapshot/1", "netuid": 81, "window_length": 30, "head": 7295,
 *  "neurons": [{"uid": 0, "hotkey": "5F…"}, …],
 *  "commitments": {"5F…": "&lt;the 128-character read-credential commitment&gt;", …},
 *  "blocks": [{"number": 7200, "hash": "0x…", "timestamp_ms": 1735775999000}, …]}
 * </pre>
 *
 * The commitments are the chain's public data (read keys are published on chain by design).
 * {@link #record} appends the window starts produced since the last recording; the embedded
 * default calls it after each window (or once before exiting).
 */
public final class ChainSnapshot implements ChainView {

  /** The file inside a data directory. */
  public static final String RELATIVE_PATH = "chain/snapshot.json";
  static final String FORMAT = "quarry-chain-snapshot/1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private record Block(BlockHash hash, Instant timestamp) {}

  private final int netuid;
  private final int windowLength;
  private final long head;
  private final List<Neuron> neurons;
  private final Map<String, String> commitments;
  private final TreeMap<Long, Block> blocks;

  private ChainSnapshot(int netuid, int windowLength, long head, List<Neuron> neurons, Map<String, String> commitments,
      TreeMap<Long, Block> blocks) {
    this.netuid = netuid;
    this.windowLength = windowLength;
    this.head = head;
    this.neurons = List.copyOf(neurons);
    this.commitments = Map.copyOf(commitments);
    this.blocks = blocks;
  }

  /** The snapshot file of a data directory. */
  public static Path file(Path dataDirectory) {
    return dataDirectory.resolve(RELATIVE_PATH);
  }

  /**
   * Records the chain's current state into {@code file}, keeping the window starts already in it and
   * adding every window start from {@code max(fromBlock, last recorded + window)} to the head.
   *
   * @return the snapshot written
   */
  public static ChainSnapshot record(Path file, Chain chain, int netuid, int windowLength, long fromBlock, Duration timeout)
      throws IOException {
    ChainView live = ChainView.of(chain, netuid, timeout);
    TreeMap<Long, Block> blocks = new TreeMap<>();
    if (Files.exists(file)) {
      ChainSnapshot previous = read(file);
      if (previous.netuid != netuid || previous.windowLength != windowLength) {
        throw new IOException(file + " records netuid " + previous.netuid + " with " + previous.windowLength
            + "-block windows, not netuid " + netuid + " with " + windowLength);
      }
      blocks.putAll(previous.blocks);
    }
    long head = live.currentBlock();
    long first = Math.max(0, fromBlock);
    if (!blocks.isEmpty()) {
      first = Math.max(first, blocks.lastKey() + windowLength);
    }
    first = (first + windowLength - 1) / windowLength * windowLength;
    for (long number = first; number <= head; number += windowLength) {
      blocks.put(number, new Block(live.blockHash(number), live.blockTimestamp(number)));
    }
    Map<String, String> commitments = new TreeMap<>();
    live.readCredentials().forEach((hotkey, commitment) -> commitments.put(hotkey, commitment.text()));
    ChainSnapshot snapshot = new ChainSnapshot(netuid, windowLength, head, live.neurons(), commitments, blocks);
    snapshot.write(file);
    return snapshot;
  }

  /** Reads a snapshot file; an {@link IOException} naming the file and the problem when it is not one. */
  public static ChainSnapshot read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException missing) {
      throw new NoSuchFileException(file.toString(), null, "no chain snapshot; a local run writes one with "
          + "ChainSnapshot.record (quarry mine --local does)");
    } catch (com.fasterxml.jackson.core.JsonProcessingException broken) {
      throw new IOException(file + " is not JSON: " + broken.getOriginalMessage());
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new IOException(file + " is not a chain snapshot (format must be " + FORMAT + ")");
    }
    try {
      List<Neuron> neurons = new ArrayList<>();
      for (JsonNode neuron : root.path("neurons")) {
        neurons.add(new Neuron(neuron.get("uid").asInt(), neuron.get("hotkey").asText()));
      }
      Map<String, String> commitments = new TreeMap<>();
      root.path("commitments").fields().forEachRemaining(entry -> commitments.put(entry.getKey(), entry.getValue().asText()));
      TreeMap<Long, Block> blocks = new TreeMap<>();
      for (JsonNode block : root.path("blocks")) {
        blocks.put(block.get("number").asLong(), new Block(BlockHash.parse(block.get("hash").asText()),
            Instant.ofEpochMilli(block.get("timestamp_ms").asLong())));
      }
      return new ChainSnapshot(root.path("netuid").asInt(), root.path("window_length").asInt(30), root.path("head").asLong(),
          neurons, commitments, blocks);
    } catch (RuntimeException malformed) {
      throw new IOException(file + " is a malformed chain snapshot: " + malformed.getMessage(), malformed);
    }
  }

  /** Writes the snapshot atomically (a temporary file moved into place). */
  public void write(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("netuid", netuid);
    root.put("window_length", windowLength);
    root.put("head", head);
    ArrayNode neuronArray = root.putArray("neurons");
    for (Neuron neuron : neurons) {
      neuronArray.addObject().put("uid", neuron.uid()).put("hotkey", neuron.hotkey());
    }
    ObjectNode commitmentObject = root.putObject("commitments");
    new TreeMap<>(commitments).forEach(commitmentObject::put);
    ArrayNode blockArray = root.putArray("blocks");
    blocks.forEach((number, block) -> blockArray.addObject().put("number", number).put("hash", block.hash().value())
        .put("timestamp_ms", block.timestamp().toEpochMilli()));
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, "snapshot", ".partial");
    try {
      Files.write(temporary, JSON.writeValueAsBytes(root));
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  public int netuid() {
    return netuid;
  }

  @Override
  public long currentBlock() {
    return head;
  }

  @Override
  public BlockHash blockHash(long number) {
    return block(number).hash();
  }

  @Override
  public Instant blockTimestamp(long number) {
    return block(number).timestamp();
  }

  private Block block(long number) {
    Block block = blocks.get(number);
    if (block == null) {
      throw new ChainException(ChainException.Kind.RPC, "block " + number + " is not in the chain snapshot (it records window "
          + "starts " + (blocks.isEmpty() ? "none" : blocks.firstKey() + ".." + blocks.lastKey()) + ")");
    }
    return block;
  }

  @Override
  public List<Neuron> neurons() {
    return neurons;
  }

  @Override
  public Map<String, ReadCredentialCommitment> readCredentials() {
    Map<String, ReadCredentialCommitment> credentials = new TreeMap<>();
    commitments.forEach((hotkey, text) -> ReadCredentialCommitment.parse(Objects.requireNonNull(text))
        .ifPresent(commitment -> credentials.put(hotkey, commitment)));
    return credentials;
  }
}
