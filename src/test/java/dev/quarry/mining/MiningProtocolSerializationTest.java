package dev.quarry.mining;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.grail.rollout.GroupOutcome;
import dev.quarry.http.MinerPhase;
import dev.quarry.http.MinerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that crosses nodes goes through the serializer {@code conf/quarry.conf} binds
 * (Jackson CBOR) and comes back equal — actor references, byte arrays, enums, instants and maps included.
 */
class MiningProtocolSerializationTest {

  private static ActorTestKit testKit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("quarry", MiningCluster.config(""));
    serialization = SerializationExtension.get(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    assertThat(serialization.findSerializerFor(message)).isInstanceOf(JacksonCborSerializer.class);
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serialization.findSerializerFor(message), message);
    return serialization.deserialize(bytes, serialization.findSerializerFor(message).identifier(), manifest).get();
  }

  static WindowPlan plan() {
    return new WindowPlan(60, 30, "0x" + "ab".repeat(32), "cd".repeat(32), true, 30663002, "", 30, "DELTA",
        "{\"window\":30,\"env_id\":\"sat\"}", 1_760_000_000_000L, 1_760_000_011_000L);
  }

  @Test
  void everyProtocolMessageSurvivesTheWire() {
    TestProbe<MiningProtocol.WorkAnswer> answers = testKit.createTestProbe();
    TestProbe<MiningProtocol.AgentCommand> agent = testKit.createTestProbe();
    TestProbe<MiningProtocol.CoordinatorCommand> coordinator = testKit.createTestProbe();
    MinerStatus status = new MinerStatus(Instant.parse("2026-11-22T10:15:30.123456789Z"), "0.1.0", "5Grw", 81,
        MinerPhase.GENERATING, 60L, 30L, 70L, 12, 5, 4, 64, 2560, 845.5, new MinerStatus.DrandStatus(false, null, "UNAVAILABLE: x"),
        List.of(new MinerStatus.NodeLoad("pekko://quarry@10.0.0.2:25520", List.of("worker"), true, 845.5,
            List.of(new MinerStatus.DeviceLoad("gpu:0", 0.97, -1, -1, 845.5, 48)))),
        new MinerStatus.UploadStatus(30, "grail/windows/k", 4200, 160, Instant.parse("2026-11-22T10:09:02Z"), 31, true, null),
        null, Map.of("deadline", 2, "short_completion", 1));
    List<Object> messages = List.of(
        new MiningProtocol.RequestWork(60, "pekko://quarry@10.0.0.2:25520", answers.ref()),
        new MiningProtocol.Granted(60, 17, 71),
        new MiningProtocol.Wait(60, 250, "planning"),
        new MiningProtocol.NoMoreWork(60, "over"),
        new MiningProtocol.GroupDropped(60, 3, "node", GroupOutcome.DropReason.SHORT_COMPLETION, "rollout 5 has 31 tokens", 1.5),
        new MiningProtocol.WindowHolding(plan(), 17, List.of(1L, 2L, 5L)),
        new MiningProtocol.SurveyReply(42, "node", agent.ref(), List.of(new MiningProtocol.WindowHolding(plan(), 3, List.of())), 1.25),
        new MiningProtocol.NodeLoadReport("node", List.of("coordinator", "worker"), 10.5,
            List.of(new MinerStatus.DeviceLoad("cpu", 0.5, -1, -1, 10.5, 16)), "", agent.ref()),
        new MiningProtocol.WindowOpened(plan()),
        new MiningProtocol.WindowClosed(60, "UPLOADED"),
        new MiningProtocol.Survey(42, coordinator.ref()),
        new MiningProtocol.StatusUpdate(status));
    for (Object message : messages) {
      assertThat(roundTrip(message)).as(message.getClass().getSimpleName()).isEqualTo(message);
    }
    byte[] group = new byte[] {1, 2, 3, -4};
    MiningProtocol.GroupFinished finished = new MiningProtocol.GroupFinished(60, 9, "node", group, 16, 640, 2.5, "cpu");
    MiningProtocol.GroupFinished back = (MiningProtocol.GroupFinished) roundTrip(finished);
    assertThat(back.groupFile()).containsExactly(group);
    assertThat(back.problemIndex()).isEqualTo(9);
    assertThat(back.completionTokens()).isEqualTo(640);
  }
}
