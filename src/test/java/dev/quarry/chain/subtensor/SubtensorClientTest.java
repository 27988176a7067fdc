package dev.quarry.chain.subtensor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quarry.chain.BlockHead;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.ChainException.Kind;
import dev.quarry.chain.ChainIdentity;
import dev.quarry.chain.HeadSubscription;
import dev.quarry.chain.Inclusion;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.chain.rpc.FakeRpcServer;
import dev.quarry.chain.rpc.FakeRpcServer.Answer;
import dev.quarry.chain.rpc.JsonRpcWebSocket;
import dev.quarry.chain.rpc.RecordedFinney;
import dev.quarry.chain.scale.ScaleReader;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import dev.quarry.crypto.Sr25519;
import dev.quarry.crypto.TestVectors;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** SubtensorClient against replayed finney traffic and a scripted node that checks what it receives. */
class SubtensorClientTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final SubtensorClient.Options OPTIONS = SubtensorClient.Options.defaults()
      .withRpc(JsonRpcWebSocket.Options.defaults().withRequestTimeout(Duration.ofSeconds(10))
          .withBackoff(Duration.ofMillis(50), Duration.ofMillis(300)))
      .withInclusionTimeout(Duration.ofSeconds(10));
  private static final String METADATA_HEX = TestVectors.load("finney_metadata_v14_spec343.json").get("metadata_hex").asText();

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static ChainException failure(CompletionStage<?> stage) throws Exception {
    try {
      await(stage);
    } catch (ExecutionException e) {
      return (ChainException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  /** Recorded answers first; absent storage reads null (as a node answers for missing keys). */
  private static FakeRpcServer.Responder recorded(String... seeds) {
    RecordedFinney recording = new RecordedFinney(seeds);
    return (method, params, connection) -> {
      JsonNode response = recording.lookup(method, params);
      if (response != null) {
        return recording.answer(method, params, connection);
      }
      return switch (method) {
        case "state_getStorage" -> new Answer.Result(null);
        case "chain_getBlockHash" -> params.size() == 1 && params.get(0).asLong() == 0
            ? new Answer.Result(new TextNode(ChainIdentity.FINNEY_GENESIS)) : recording.answer(method, params, connection);
        default -> recording.answer(method, params, connection);
      };
    };
  }

  @Test
  void readsRecordedFinneyState() throws Exception {
    try (FakeRpcServer server = new FakeRpcServer(recorded("get_current_block", "get_block_hash", "is_hotkey_registered_on_subnet",
            "metagraph", "neurons_lite", "get_commitment"));
        SubtensorClient client = SubtensorClient.connect(server.uri(), OPTIONS)) {
      assertThat(await(client.currentBlock())).isEqualTo(6522038L);
      assertThat(await(client.blockHash(6522038))).isEqualTo("0x4f0bbe5e96a78ca4cc1df9a7e757d335165d6d71c545cf6eb4794986424bcd29");
      AccountId registered = AccountId.fromSs58("5Cf4LPRv6tiyuFsfLRQaFYEEn3zJRGi4bAE9DwbbKmbCSHpV");
      assertThat(await(client.uid(14, registered))).hasValue(29);
      assertThat(await(client.uid(14, SecretUri.dev("Alice").accountId()))).isEmpty();
      List<NeuronInfo> metagraph = await(client.neurons(1));
      assertThat(metagraph).hasSize(1024);
      assertThat(metagraph.get(0).hotkey().ss58()).isEqualTo("5DkMmXtWf16RNdusZGCrJ7ca7ADPgRnZLVWCWbgA7s7sy1AQ");
      String block6852690 = await(client.blockHash(6852690));
      assertThat(await(client.neuronsAt(1, block6852690))).hasSize(1024);
      assertThat(await(client.neurons(23))).isNotEmpty().allMatch(neuron -> neuron.netuid() == 23);
      assertThat(await(client.commitment(23, AccountId.fromSs58("5DkzsviNQr4ZePXMmEfNPDcE7cQ9cVyepmQbgUw6YT3odcwh")))).isEmpty();
      ChainIdentity identity = await(client.identity());
      assertThat(identity.genesisHash()).isEqualTo(ChainIdentity.FINNEY_GENESIS);
      assertThat(identity.chainName()).isEqualTo("Bittensor");
      assertThat(identity.specName()).isEqualTo("node-subtensor");
    }
  }

  @Test
  void readsTimestampsAndAllCommitmentsOfASubnet() throws Exception {
    AccountId first = SecretUri.dev("Alice").accountId();
    AccountId second = SecretUri.dev("Bob").accountId();
    byte[] credentials = "a".repeat(128).getBytes(StandardCharsets.US_ASCII);
    Map<String, String> storage = Map.of(
        StorageKeys.commitmentOf(81, first), Hex.encode0x(SubtensorCodec.encodeRegistration(0, 100, List.of(credentials))),
        StorageKeys.commitmentOf(81, second), Hex.encode0x(SubtensorCodec.encodeRegistration(0, 120, List.of("hi".getBytes(StandardCharsets.US_ASCII)))));
    String best = "0x" + "77".repeat(32);
    try (FakeRpcServer server = new FakeRpcServer((method, params, connection) -> switch (method) {
          case "chain_getBlockHash" -> new Answer.Result(new TextNode(best));
          case "state_getKeysPaged" -> {
            assertThat(params.get(0).asText()).isEqualTo(StorageKeys.commitmentOfPrefix(81));
            assertThat(params.get(3).asText()).isEqualTo(best);
            ArrayNode keys = MAPPER.createArrayNode();
            if (params.get(2).asText().equals(params.get(0).asText())) {
              storage.keySet().stream().sorted().forEach(keys::add);
            }
            yield new Answer.Result(keys);
          }
          case "state_queryStorageAt" -> {
            ArrayNode changes = MAPPER.createArrayNode();
            params.get(0).forEach(key -> changes.add(MAPPER.createArrayNode().add(key.asText()).add(storage.get(key.asText()))));
            ObjectNode set = MAPPER.createObjectNode().put("block", best);
            set.set("changes", changes);
            yield new Answer.Result(MAPPER.createArrayNode().add(set));
          }
          case "state_getStorage" -> {
            assertThat(params.get(0).asText()).isEqualTo(StorageKeys.timestampNow());
            yield new Answer.Result(new TextNode(Hex.encode0x(new dev.quarry.chain.scale.ScaleWriter().u64(1_760_000_000_123L).toByteArray())));
          }
          default -> new Answer.Error(-32601, "Method not found", null);
        });
        SubtensorClient client = SubtensorClient.connect(server.uri(), OPTIONS)) {
      var commitments = await(client.commitments(81));
      assertThat(commitments).containsOnlyKeys(first, second);
      assertThat(commitments.get(first).text()).isEqualTo("a".repeat(128));
      assertThat(commitments.get(first).block()).isEqualTo(100);
      assertThat(commitments.get(second).text()).isEqualTo("hi");
      assertThat(await(client.blockTimestamp(5))).isEqualTo(java.time.Instant.ofEpochMilli(1_760_000_000_123L));
    }
  }

  @Test
  void headsArriveInOrderWithGapsFilledAndSurviveReconnects() throws Exception {
    Map<Long, ObjectNode> headers = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, ObjectNode> byHash = new java.util.concurrent.ConcurrentHashMap<>();
    String parent = "0x" + "00".repeat(32);
    for (long number = 100; number <= 110; number++) {
      ObjectNode header = MAPPER.createObjectNode().put("parentHash", parent).put("number", "0x" + Long.toHexString(number))
          .put("stateRoot", "0x" + "11".repeat(32)).put("extrinsicsRoot", "0x" + "22".repeat(32));
      header.putObject("digest").putArray("logs").add("0x06617572612007eebc0800000000");
      headers.put(number, header);
      String hash = SubtensorCodec.head(header).hash();
      byHash.put(hash, header);
      parent = hash;
    }
    try (FakeRpcServer server = new FakeRpcServer((method, params, connection) -> switch (method) {
          case "chain_subscribeNewHeads" -> new Answer.Subscribe("chain_newHead", null);
          case "chain_getBlockHash" -> new Answer.Result(new TextNode(SubtensorCodec.head(headers.get(params.get(0).asLong())).hash()));
          case "chain_getHeader" -> new Answer.Result(byHash.get(params.get(0).asText()));
          default -> new Answer.Result(JsonNodeFactory.instance.booleanNode(true));
        });
        SubtensorClient client = SubtensorClient.connect(server.uri(), OPTIONS)) {
      List<BlockHead> received = new CopyOnWriteArrayList<>();
      HeadSubscription subscription = client.subscribeHeads(received::add);
      waitFor(() -> server.requests().contains("chain_subscribeNewHeads"));
      server.notify("chain_newHead", headers.get(100L));
      server.notify("chain_newHead", headers.get(103L));
      server.notify("chain_newHead", headers.get(103L));
      waitFor(() -> received.size() == 4);
      server.dropConnections();
      waitFor(() -> server.requests().stream().filter("chain_subscribeNewHeads"::equals).count() == 2);
      server.notify("chain_newHead", headers.get(104L));
      waitFor(() -> received.size() == 5);
      assertThat(received).extracting(BlockHead::number).containsExactly(100L, 101L, 102L, 103L, 104L);
      for (BlockHead head : received) {
        assertThat(head.hash()).matches("0x[0-9a-f]{64}").isEqualTo(SubtensorCodec.head(headers.get(head.number())).hash());
      }
      assertThat(received.get(1).parentHash()).isEqualTo(received.get(0).hash());
      subscription.close();
    }
  }

  /** A scripted node: answers what submission needs and checks the extrinsic like a real node would. */
  private static final class Node implements FakeRpcServer.Responder {
    final long finalized = 6852690;
    final String birthHash = "0xdb13c066e2c63969f140164fb3bfe7a0aaa7b71407fc0fe525d68e57329ef9d0";
    final String inclusionBlock = "0x" + "ab".repeat(32);
    final AtomicReference<String> submitted = new AtomicReference<>();
    final AtomicReference<String> verification = new AtomicReference<>("not submitted");
    FakeRpcServer server;
    String metadataHex = METADATA_HEX;
    int extrinsicIndexInBlock = 1;
    Answer submitAnswer;

    @Override
    public Answer answer(String method, ArrayNode params, int connection) {
      return switch (method) {
        case "state_getRuntimeVersion" -> new Answer.Result(MAPPER.createObjectNode().put("specName", "node-subtensor")
            .put("specVersion", 343).put("transactionVersion", 1));
        case "state_getMetadata" -> new Answer.Result(new TextNode(metadataHex));
        case "chain_getBlockHash" -> new Answer.Result(new TextNode(params.get(0).asLong() == 0 ? ChainIdentity.FINNEY_GENESIS
            : params.get(0).asLong() == Era.mortal(finalized, 64).birth(finalized) ? birthHash : "0x" + "99".repeat(32)));
        case "chain_getFinalizedHead" -> new Answer.Result(new TextNode("0x" + "fe".repeat(32)));
        case "chain_getHeader" -> new Answer.Result(MAPPER.createObjectNode().put("number", "0x" + Long.toHexString(finalized)));
        case "system_accountNextIndex" -> new Answer.Result(JsonNodeFactory.instance.numberNode(7));
        case "author_submitAndWatchExtrinsic" -> {
          submitted.set(params.get(0).asText());
          verification.set(verify(params.get(0).asText()));
          if (submitAnswer != null) {
            yield submitAnswer;
          }
          yield new Answer.Subscribe("author_extrinsicUpdate", id -> {
            server.notify(id, "author_extrinsicUpdate", new TextNode("ready"));
            server.notify(id, "author_extrinsicUpdate", MAPPER.createObjectNode().put("inBlock", inclusionBlock));
          });
        }
        case "chain_getBlock" -> {
          ArrayNode extrinsics = MAPPER.createArrayNode();
          for (int i = 0; i < 6; i++) {
            extrinsics.add(i == extrinsicIndexInBlock ? submitted.get() : "0x0c" + "00".repeat(3) + i);
          }
          ObjectNode block = MAPPER.createObjectNode();
          ObjectNode body = block.putObject("block");
          body.putObject("header").put("number", "0x" + Long.toHexString(finalized + 2));
          body.set("extrinsics", extrinsics);
          yield new Answer.Result(block);
        }
        case "state_getStorage" -> new Answer.Result(new TextNode(TestVectors.load("events_spec343.json").get("events_hex").asText()));
        default -> new Answer.Result(JsonNodeFactory.instance.booleanNode(true));
      };
    }

    /** Decodes the extrinsic and checks its signature over the payload a node would rebuild. */
    String verify(String hex) {
      ScaleReader in = new ScaleReader(Hex.decode(hex));
      int length = in.compactLength();
      if (length != in.remaining() || in.u8() != 0x84 || in.u8() != 0) {
        return "bad header";
      }
      byte[] signer = in.raw(32);
      if (in.u8() != 1) {
        return "not sr25519";
      }
      byte[] signature = in.raw(64);
      Era era = in.raw(1)[0] == 0 ? Era.IMMORTAL : null;
      if (era == null) {
        in = new ScaleReader(Hex.decode(hex));
        in.compactLength();
        in.raw(1 + 1 + 32 + 1 + 64);
        era = Era.decode(in.raw(2));
      }
      long nonce = in.compact();
      long tip = in.compact();
      int mode = in.u8();
      byte[] call = in.raw(in.remaining());
      if (!era.equals(Era.mortal(finalized, 64)) || nonce != 7 || tip != 0 || mode != 0) {
        return "unexpected extension data " + era + " " + nonce;
      }
      TransactionParams params = new TransactionParams(era, nonce, tip, 343, 1, Hex.decode(ChainIdentity.FINNEY_GENESIS),
          Hex.decode(birthHash), null);
      byte[] signed = Extrinsics.bytesToSign(Extrinsics.signingPayload(call, params));
      return Sr25519.verify(signer, signed, signature) ? "valid signature over call " + Hex.encode0x(call) : "bad signature";
    }
  }

  @Test
  void setCommitmentIsSignedSubmittedAndConfirmedFromEvents() throws Exception {
    Node node = new Node();
    try (FakeRpcServer server = new FakeRpcServer(node); SubtensorClient client = SubtensorClient.connect(server.uri(), OPTIONS)) {
      node.server = server;
      Keypair hotkey = SecretUri.toKeypair("//Quarry//hotkey");
      byte[] credentials = ("0123456789abcdef0123456789abcdef" + "KEY".repeat(10) + "XY" + "s".repeat(64)).getBytes(StandardCharsets.US_ASCII);
      Inclusion inclusion = await(client.setCommitment(hotkey, 81, credentials));
      assertThat(node.verification.get()).isEqualTo("valid signature over call " + Hex.encode0x(SubtensorCalls.setCommitment(81, List.of(credentials))));
      assertThat(inclusion.blockHash()).isEqualTo(node.inclusionBlock);
      assertThat(inclusion.blockNumber()).isEqualTo(node.finalized + 2);
      assertThat(inclusion.extrinsicHash()).isEqualTo(Hex.encode0x(Extrinsics.hash(Hex.decode(node.submitted.get()))));
    }
  }

  @Test
  void dispatchFailuresAndPoolRejectionsAreNamed() throws Exception {
    Node node = new Node();
    node.extrinsicIndexInBlock = 2; // the events vector has ExtrinsicFailed(ServingRateLimitExceeded) at index 2
    try (FakeRpcServer server = new FakeRpcServer(node); SubtensorClient client = SubtensorClient.connect(server.uri(), OPTIONS)) {
      node.server = server;
      Keypair hotkey = SecretUri.dev("Bob");
      ChainException failed = failure(client.serveAxon(hotkey, 81, InetAddress.getByName("203.0.113.7"), 8091, 4, 1));
      assertThat(node.verification.get()).startsWith("valid signature");
      assertThat(failed.kind()).isEqualTo(Kind.DISPATCH_FAILED);
      assertThat(failed.getMessage()).contains("SubtensorModule.ServingRateLimitExceeded");

      node.submitAnswer = new Answer.Error(1010, "Invalid Transaction", "Custom error: 12");
      ChainException rejected = failure(client.serveAxon(hotkey, 81, InetAddress.getByName("203.0.113.7"), 8091, 4, 1));
      assertThat(rejected.kind()).isEqualTo(Kind.REJECTED);
      assertThat(rejected.getMessage()).isEqualTo("transaction rejected: serving rate limit exceeded (subtensor custom error 12)");
    }
  }

  @Test
  void refusesToSignForARuntimeThatMovedThings() throws Exception {
    Node node = new Node();
    // Rename the serve_axon call in the metadata, as a runtime that changed its calls would look.
    node.metadataHex = METADATA_HEX.replace(Hex.encode("serve_axon".getBytes(StandardCharsets.US_ASCII)),
        Hex.encode("serve_axoX".getBytes(StandardCharsets.US_ASCII)));
    try (FakeRpcServer server = new FakeRpcServer(node); SubtensorClient client = SubtensorClient.connect(server.uri(), OPTIONS)) {
      node.server = server;
      ChainException error = failure(client.serveAxon(SecretUri.dev("Bob"), 81, InetAddress.getByName("203.0.113.7"), 8091, 4, 1));
      assertThat(error.kind()).isEqualTo(Kind.INCOMPATIBLE_RUNTIME);
      assertThat(error.getMessage()).contains("SubtensorModule.serve_axon is missing");
      assertThat(node.submitted.get()).isNull();
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }
}
