package dev.quarry.blockzero;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The protocol pieces against vectors computed by the reference's own code (protocol.json). */
class ProtocolVectorsTest {

  private static final JsonNode VECTORS = BlockZeroVectors.load("protocol.json");

  @Test
  void phaseScheduleAnswersLikeThePhaseService() {
    int checked = 0;
    for (JsonNode schedule : VECTORS.get("schedules")) {
      JsonNode lengths = schedule.get("lengths");
      PhaseSchedule phases = PhaseSchedule.blockZero(lengths.get("distribute").asInt(), lengths.get("train").asInt(),
          lengths.get("commit").asInt(), lengths.get("submission").asInt(), lengths.get("validate").asInt(),
          lengths.get("merge").asInt());
      assertThat(phases.cycleLength()).isEqualTo(schedule.get("cycle_length").asLong());
      List<String> names = new ArrayList<>();
      schedule.get("phases").forEach(name -> names.add(name.asText()));
      assertThat(phases.names()).isEqualTo(names);
      for (JsonNode entry : schedule.get("blocks")) {
        long block = entry.get("block").asLong();
        JsonNode expected = entry.get("get_phase");
        PhaseInfo info = phases.phaseAt(block);
        assertThat(new Object[] {info.block(), info.cycleLength(), info.cycleIndex(), info.cycleBlockIndex(), info.phaseName(),
            info.phaseIndex(), info.phaseStartBlock(), info.phaseEndBlock(), info.blocksIntoPhase(), info.blocksRemainingInPhase()})
            .as("block %d", block)
            .containsExactly(expected.get("block").asLong(), expected.get("cycle_length").asLong(), expected.get("cycle_index").asLong(),
                expected.get("cycle_block_index").asLong(), expected.get("phase_name").asText(), expected.get("phase_index").asInt(),
                expected.get("phase_start_block").asLong(), expected.get("phase_end_block").asLong(),
                expected.get("blocks_into_phase").asLong(), expected.get("blocks_remaining_in_phase").asLong());
        Map<String, PhaseSchedule.Upcoming> upcoming = phases.upcoming(block);
        entry.get("blocks_until_next_phase").properties().forEach(phase -> {
          PhaseSchedule.Upcoming next = upcoming.get(phase.getKey());
          assertThat(List.of(next.range().start(), next.range().end(), next.blocksUntil())).as("block %d %s", block, phase.getKey())
              .containsExactly(phase.getValue().get(0).asLong(), phase.getValue().get(1).asLong(), phase.getValue().get(2).asLong());
        });
        Map<String, BlockRange> previous = phases.previous(block);
        entry.get("previous_phase_blocks_main").properties().forEach(phase -> {
          BlockRange range = previous.get(phase.getKey());
          assertThat(List.of(range.start(), range.end())).as("block %d %s", block, phase.getKey())
              .containsExactly(phase.getValue().get(0).asLong(), phase.getValue().get(1).asLong());
          // The fix branch's rewrite agrees for every occurrence that has ended.
          JsonNode fix = entry.get("previous_phase_blocks_fix").get(phase.getKey());
          if (fix.get(1).asLong() < block) {
            assertThat(List.of(range.start(), range.end())).containsExactly(fix.get(0).asLong(), fix.get(1).asLong());
          }
        });
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(250);
  }

  @Test
  void assignmentMatchesTheReference() {
    for (JsonNode h256 : VECTORS.get("h256")) {
      List<Object> parts = new ArrayList<>();
      h256.get("parts").forEach(part -> parts.add(part.isNumber() ? (Object) part.asLong() : part.asText()));
      assertThat(ValidatorAssignment.h256(parts.toArray())).isEqualTo(new BigInteger(h256.get("value").asText()));
    }
    for (JsonNode vector : VECTORS.get("assignments")) {
      Map<String, Long> validators = new LinkedHashMap<>();
      vector.get("validators").forEach(pair -> validators.put(pair.get(0).asText(), pair.get(1).asLong()));
      List<String> miners = new ArrayList<>();
      vector.get("miners").forEach(miner -> miners.add(miner.asText()));
      assertThat(ValidatorAssignment.combinedSeed(validators)).isEqualTo(vector.get("combined_seed").asText());
      Map<String, List<String>> assignment = ValidatorAssignment.assign(validators, miners);
      Map<String, List<String>> expected = new LinkedHashMap<>();
      vector.get("assignment").properties().forEach(entry -> {
        List<String> assigned = new ArrayList<>();
        entry.getValue().forEach(miner -> assigned.add(miner.asText()));
        expected.put(entry.getKey(), assigned);
      });
      assertThat(assignment).containsExactlyEntriesOf(expected);
      for (String miner : miners) {
        assertThat(ValidatorAssignment.validatorOf(miner, assignment)).isPresent();
      }
    }
    assertThat(ValidatorAssignment.assign(Map.of(), List.of("5F"))).isEmpty();
  }

  @Test
  void recordsAreWrittenAndReadLikeThePydanticModels() {
    for (JsonNode dump : VECTORS.get("record_dumps")) {
      ChainRecord record = ChainRecord.parse(dump.get("record").asText()).orElseThrow();
      ChainRecord typed = switch (dump.get("kind").asText()) {
        case "signed" -> new ChainRecord.SignedHash(record.signedModelHash().orElseThrow());
        case "miner" -> record;
        default -> record;
      };
      assertThat(typed.json()).isEqualTo(dump.get("record").asText());
      assertThat(typed.commitmentBytes()).hasSize(dump.get("bytes").asInt());
    }
    for (JsonNode vector : VECTORS.get("record_parsing")) {
      Optional<ChainRecord> parsed = ChainRecord.parse(vector.get("input").asText());
      JsonNode expected = vector.get("parsed");
      if (expected.isNull()) {
        assertThat(parsed).as(vector.get("input").asText()).isEmpty();
        continue;
      }
      assertThat(parsed).as(vector.get("input").asText()).isPresent();
      String type = expected.get("type").asText();
      assertThat(parsed.get()).isInstanceOf(type.equals("ValidatorChainCommit") ? ChainRecord.ValidatorRecord.class
          : ChainRecord.MinerRecord.class);
      // Dumping the parsed record reproduces pydantic's dump of what it parsed.
      Map<String, Object> fields = new LinkedHashMap<>();
      expected.get("fields").properties().forEach(field -> fields.put(field.getKey(),
          field.getValue().isNull() ? null : field.getValue().isNumber() ? (Object) field.getValue().asLong() : field.getValue().asText()));
      assertThat(parsed.get().json()).as(vector.get("input").asText())
          .isEqualTo(dev.quarry.grail.protocol.python.PythonJson.dumps(fields, dev.quarry.grail.protocol.python.PythonJson.Style.DEFAULT));
    }
    assertThatThrownBy(() -> new ChainRecord.SignedHash("x".repeat(200)).commitmentBytes())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 128");
  }

  @Test
  void checkpointNamesFollowTheDynamicFilenameRule() {
    for (JsonNode vector : VECTORS.get("dynamic_filenames")) {
      String name = vector.get("name").asText();
      JsonNode parsed = vector.get("parsed");
      Optional<CheckpointName> ours = CheckpointName.parse(name);
      if (parsed.has("globalver") && !name.startsWith(".tmp_")) {
        assertThat(ours).as(name).isPresent();
        assertThat(ours.get().globalVersion()).isEqualTo(parsed.get("globalver").asLong());
        assertThat(ours.get().innerStep()).isEqualTo(parsed.path("inneropt").asLong(0));
        if (parsed.has("uid")) {
          assertThat(ours.get().validatorUid()).isEqualTo(parsed.get("uid").asInt());
          assertThat(ours.get().validatorHotkey()).isEqualTo(parsed.get("hotkey").asText());
        }
        assertThat(ours.get().directoryName()).isEqualTo(name);
      } else {
        // The reference reads these as version 0 checkpoints; they are not checkpoints here.
        assertThat(ours).as(name).isEmpty();
      }
    }
    assertThat(CheckpointName.own(3, 40).newerThan(CheckpointName.own(3, 20))).isTrue();
    assertThat(CheckpointName.validator(1, "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", 4).newerThan(CheckpointName.own(3, 900)))
        .isTrue();
  }

  @Test
  void signaturesCoverTheReferenceMessages() {
    Keypair miner = SecretUri.dev("Alice");
    Keypair validator = SecretUri.dev("Bob");
    byte[] block = SignedMessages.blockMessage(validator.accountId(), 7_123_456L);
    assertThat(block).hasSize(40);
    assertThat(java.util.Arrays.copyOf(block, 32)).isEqualTo(validator.publicKey());
    assertThat(java.util.Arrays.copyOfRange(block, 32, 40)).containsExactly(0, 0, 0, 0, 0, 0x6c, (byte) 0xb2, 0x00);
    ModelHash hash = ModelHash.fromHex("0123456789abcdef".repeat(3));
    String signature = SignedMessages.sign(miner, SignedMessages.submissionMessage(hash, block));
    assertThat(signature).hasSize(86).doesNotContain("=", "+", "/");
    assertThat(SignedMessages.verify(miner.accountId(), SignedMessages.submissionMessage(hash, block), signature)).isTrue();
    assertThat(SignedMessages.verify(validator.accountId(), SignedMessages.submissionMessage(hash, block), signature)).isFalse();
    assertThat(SignedMessages.verify(miner.accountId(), SignedMessages.blockMessage(validator.accountId(), 7_123_457L), signature))
        .isFalse();
    assertThat(SignedMessages.verify(miner.accountId(), block, "not base64!")).isFalse();
    String hashSignature = SignedMessages.sign(miner, SignedMessages.modelHashMessage(hash));
    assertThat(SignedMessages.verify(miner.accountId(), hash.hex().getBytes(java.nio.charset.StandardCharsets.UTF_8), hashSignature)).isTrue();
    assertThat(new ChainRecord.SignedHash(hashSignature).commitmentBytes()).hasSize(95);
    AccountId unrelated = SecretUri.dev("Charlie").accountId();
    assertThat(SignedMessages.verify(unrelated, SignedMessages.modelHashMessage(hash), hashSignature)).isFalse();
  }
}
