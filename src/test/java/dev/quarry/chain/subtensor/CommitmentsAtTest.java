package dev.quarry.chain.subtensor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quarry.chain.rpc.FakeRpcServer;
import dev.quarry.chain.rpc.FakeRpcServer.Answer;
import dev.quarry.chain.rpc.JsonRpcWebSocket;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.SecretUri;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code commitmentsAt} reads keys and values at the hash of the requested block, never the best block. */
class CommitmentsAtTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void readsTheStateOfThePastBlock() throws Exception {
    AccountId miner = SecretUri.dev("Alice").accountId();
    String old = "0x" + "42".repeat(32);
    Map<String, String> storage = Map.of(StorageKeys.commitmentOf(7, miner),
        Hex.encode0x(SubtensorCodec.encodeRegistration(0, 90, List.of("{\"m\": \"x\"}".getBytes(StandardCharsets.US_ASCII)))));
    try (FakeRpcServer server = new FakeRpcServer((method, params, connection) -> switch (method) {
          case "chain_getBlockHash" -> {
            assertThat(params.get(0).asLong()).isEqualTo(91);
            yield new Answer.Result(new TextNode(old));
          }
          case "state_getKeysPaged" -> {
            assertThat(params.get(3).asText()).isEqualTo(old);
            ArrayNode keys = MAPPER.createArrayNode();
            if (params.get(2).asText().equals(params.get(0).asText())) {
              storage.keySet().forEach(keys::add);
            }
            yield new Answer.Result(keys);
          }
          case "state_queryStorageAt" -> {
            assertThat(params.get(1).asText()).isEqualTo(old);
            ArrayNode changes = MAPPER.createArrayNode();
            params.get(0).forEach(key -> changes.add(MAPPER.createArrayNode().add(key.asText()).add(storage.get(key.asText()))));
            ObjectNode set = MAPPER.createObjectNode().put("block", old);
            set.set("changes", changes);
            yield new Answer.Result(MAPPER.createArrayNode().add(set));
          }
          default -> new Answer.Error(-32601, "Method not found", null);
        });
        SubtensorClient client = SubtensorClient.connect(server.uri(), SubtensorClient.Options.defaults()
            .withRpc(JsonRpcWebSocket.Options.defaults().withRequestTimeout(Duration.ofSeconds(5))))) {
      var commitments = client.commitmentsAt(7, 91).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(commitments).containsOnlyKeys(miner);
      assertThat(commitments.get(miner).text()).isEqualTo("{\"m\": \"x\"}");
      assertThat(commitments.get(miner).block()).isEqualTo(90);
    }
  }
}
