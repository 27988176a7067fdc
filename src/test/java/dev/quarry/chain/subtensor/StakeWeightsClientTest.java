package dev.quarry.chain.subtensor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.NeuronStake;
import dev.quarry.chain.rpc.FakeRpcServer;
import dev.quarry.chain.rpc.FakeRpcServer.Answer;
import dev.quarry.chain.rpc.JsonRpcWebSocket;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link SubtensorClient#stakeWeights} against a node that answers with recorded finney data: the
 * V15 metadata once per runtime, then {@code get_selective_metagraph} for the four stake fields.
 */
class StakeWeightsClientTest {

  private static final SubtensorClient.Options OPTIONS = SubtensorClient.Options.defaults()
      .withRpc(JsonRpcWebSocket.Options.defaults().withRequestTimeout(Duration.ofSeconds(10))
          .withBackoff(Duration.ofMillis(50), Duration.ofMillis(300)));

  private static JsonNode recording() throws Exception {
    try (InputStream in = new GZIPInputStream(StakeWeightsClientTest.class.getResourceAsStream("/vectors/god/metagraph_stakes_finney.json.gz"))) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void readsStakeWeightsWithTheRuntimesOwnLayout() throws Exception {
    JsonNode recording = recording();
    AtomicInteger metadataCalls = new AtomicInteger();
    ObjectMapper mapper = new ObjectMapper();
    try (FakeRpcServer server = new FakeRpcServer((method, params, connection) -> {
          if (method.equals("state_getRuntimeVersion")) {
            return new Answer.Result(mapper.createObjectNode().put("specName", "node-subtensor").put("specVersion", 331)
                .put("transactionVersion", 1));
          }
          if (method.equals("state_call") && params.get(0).asText().equals("Metadata_metadata_at_version")) {
            assertThat(params.get(1).asText()).isEqualTo("0x0f000000");
            metadataCalls.incrementAndGet();
            return new Answer.Result(new TextNode(recording.path("metadata_at_version_15").asText()));
          }
          if (method.equals("state_call") && params.get(0).asText().equals("SubnetInfoRuntimeApi_get_selective_metagraph")) {
            String args = params.get(1).asText();
            if (args.equals("0x0100" + "10" + "3400430044004500")) {
              // The recorded answer selected every field; the decoder reads the stake fields from it.
              return new Answer.Result(new TextNode(recording.path("selective_mechagraph_result").asText()));
            }
            return new Answer.Result(new TextNode("0x00")); // None: no such subnet
          }
          return new Answer.Error(-32601, "Method not found", null);
        });
        SubtensorClient client = SubtensorClient.connect(server.uri(), OPTIONS)) {
      List<NeuronStake> stakes = client.stakeWeights(1).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(stakes).hasSize(1024);
      assertThat(stakes.get(24).totalStakeRao()).isEqualTo(58_036_807_815_746L);
      assertThat(stakes.get(24).alphaStakeRao()).isEqualTo(11_468_722_629_709L);
      assertThat(stakes.get(0).hotkey().ss58()).isEqualTo("5DkMmXtWf16RNdusZGCrJ7ca7ADPgRnZLVWCWbgA7s7sy1AQ");
      assertThat(client.stakeWeights(1).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(stakes);
      assertThat(metadataCalls).as("metadata is read once per runtime version").hasValue(1);
      try {
        client.stakeWeights(2).toCompletableFuture().get(20, TimeUnit.SECONDS);
        throw new AssertionError("expected a failure for a missing subnet");
      } catch (ExecutionException failure) {
        assertThat(failure.getCause()).isInstanceOf(ChainException.class).hasMessageContaining("subnet 2 does not exist");
      }
    }
  }
}
