package dev.quarry.chain.subtensor;

import static dev.quarry.crypto.TestVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.chain.metadata.MetadataParser;
import dev.quarry.chain.metadata.RuntimeMetadata;
import dev.quarry.chain.scale.ScaleException;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.TestVectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding real recorded finney data: headers, NeuronInfo(Lite), storage values, events. */
class SubtensorCodecTest {

  private static final JsonNode RECORDING = TestVectors.load("finney_recorded_rpc.json").get("seeds");

  private static String result(String seed, String method, String paramsPrefix) {
    for (var entry : RECORDING.get(seed).get(method).properties()) {
      if (entry.getKey().startsWith(paramsPrefix)) {
        return entry.getValue().get("result").asText();
      }
    }
    throw new AssertionError("no recorded " + method + " " + paramsPrefix + " in " + seed);
  }

  @Test
  void realHeadersHashToTheirRecordedHashes() {
    int checked = 0;
    for (JsonNode header : TestVectors.load("block_headers.json").get("headers")) {
      JsonNode json = header.get("header_json");
      var head = SubtensorCodec.head(json);
      assertThat(head.number()).isEqualTo(header.get("number").asLong());
      assertThat(head.hash()).isEqualTo(header.get("expected_block_hash").asText());
      checked++;
    }
    // And every header in the replayed recording whose hash was the request parameter.
    for (var seed : RECORDING.properties()) {
      JsonNode headers = seed.getValue().get("chain_getHeader");
      if (headers == null) {
        continue;
      }
      for (var entry : headers.properties()) {
        String requested = entry.getKey().replaceAll("[\\[\\]\"]", "");
        if (requested.startsWith("0x")) {
          assertThat(SubtensorCodec.head(entry.getValue().get("result")).hash()).isEqualTo(requested);
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(20);
  }

  @Test
  void decodesTheRecordedSpec343MetagraphOfSubnet1() {
    byte[] bytes = Hex.decode(result("metagraph", "state_call", "[\"NeuronInfoRuntimeApi_get_neurons_lite\""));
    assertThat(bytes).hasSize(186_526);
    List<NeuronInfo> neurons = SubtensorCodec.neuronsLite(bytes);
    assertThat(neurons).hasSize(1024);
    assertThat(neurons).extracting(NeuronInfo::uid).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 1024).boxed().toList());
    assertThat(neurons).allMatch(neuron -> neuron.netuid() == 1);
    assertThat(neurons.stream().filter(NeuronInfo::validatorPermit).count()).isEqualTo(12);
    NeuronInfo first = neurons.get(0);
    assertThat(first.hotkey().ss58()).isEqualTo("5DkMmXtWf16RNdusZGCrJ7ca7ADPgRnZLVWCWbgA7s7sy1AQ");
    assertThat(first.axon().endpoint()).isEqualTo("192.222.59.109:6028");
    assertThat(first.axon().version()).isEqualTo(9011001);
    assertThat(first.axon().ipType()).isEqualTo(4);
    assertThat(first.axon().protocol()).isEqualTo(4);
  }

  @Test
  void decodesTheLegacyVecU8WrappedForm() {
    byte[] bytes = Hex.decode(result("neurons_lite", "state_call", "[\"NeuronInfoRuntimeApi_get_neurons_lite\""));
    List<NeuronInfo> neurons = SubtensorCodec.neuronsLite(bytes);
    assertThat(neurons).isNotEmpty().allMatch(neuron -> neuron.netuid() == 23);
    assertThat(neurons).extracting(NeuronInfo::uid).doesNotHaveDuplicates();
  }

  @Test
  void decodesTheRecordedNeuronInfoWithWeights() {
    JsonNode fixture = TestVectors.load("neuron_info_netuid14_uid29_spec315.json");
    var decoded = SubtensorCodec.neuron(hex(fixture.get("response_result_hex"))).orElseThrow();
    JsonNode expected = fixture.get("expected").get("neuron");
    NeuronInfo neuron = decoded.neuron();
    assertThat(neuron.hotkey().ss58()).isEqualTo(expected.get("hotkey").asText());
    assertThat(neuron.coldkey().ss58()).isEqualTo(expected.get("coldkey").asText());
    assertThat(neuron.uid()).isEqualTo(expected.get("uid").asInt());
    assertThat(neuron.netuid()).isEqualTo(expected.get("netuid").asInt());
    assertThat(neuron.stake()).isEqualTo(expected.get("stake").get(0).get(1).asLong());
    assertThat(neuron.rank()).isEqualTo(expected.get("rank").asInt());
    assertThat(neuron.emission()).isEqualTo(expected.get("emission").asLong());
    assertThat(neuron.incentive()).isEqualTo(expected.get("incentive").asInt());
    assertThat(neuron.consensus()).isEqualTo(expected.get("consensus").asInt());
    assertThat(neuron.trust()).isEqualTo(expected.get("trust").asInt());
    assertThat(neuron.validatorTrust()).isEqualTo(expected.get("validator_trust").asInt());
    assertThat(neuron.dividends()).isEqualTo(expected.get("dividends").asInt());
    assertThat(neuron.lastUpdate()).isEqualTo(expected.get("last_update").asLong());
    assertThat(neuron.validatorPermit()).isEqualTo(expected.get("validator_permit").asBoolean());
    assertThat(neuron.pruningScore()).isEqualTo(expected.get("pruning_score").asInt());
    assertThat(decoded.weights()).hasSize(expected.get("weights").size());
    assertThat(decoded.weights().get(0)).containsExactly(expected.get("weights").get(0).get(0).asInt(), expected.get("weights").get(0).get(1).asInt());
    assertThat(decoded.bonds()).hasSize(expected.get("bonds").size());
    assertThat(neuron.axon().address()).isNull();
  }

  @Test
  void garbageMetagraphsFailLoudly() {
    byte[] bytes = Hex.decode(result("metagraph", "state_call", "[\"NeuronInfoRuntimeApi_get_neurons_lite\""));
    assertThatThrownBy(() -> SubtensorCodec.neuronsLite(java.util.Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(ScaleException.class);
  }

  @Test
  void storageKeysMatchRecordedAndComputedKeys() {
    JsonNode storage = TestVectors.load("storage_keys_and_hashes.json");
    AccountId registered = AccountId.fromSs58("5Cf4LPRv6tiyuFsfLRQaFYEEn3zJRGi4bAE9DwbbKmbCSHpV");
    assertThat(StorageKeys.uids(14, registered)).isEqualTo(storage.get("computed_keys").get(1).get("key_hex").asText());
    assertThat(StorageKeys.commitmentOf(23, AccountId.fromSs58("5DkzsviNQr4ZePXMmEfNPDcE7cQ9cVyepmQbgUw6YT3odcwh")))
        .isEqualTo(storage.get("computed_keys").get(2).get("key_hex").asText());
    assertThat(StorageKeys.axons(1, AccountId.fromSs58("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")))
        .isEqualTo(storage.get("computed_keys").get(3).get("key_hex").asText());
    assertThat(StorageKeys.systemAccount(AccountId.fromSs58("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")))
        .isEqualTo(storage.get("computed_keys").get(0).get("key_hex").asText());
    // The recorded Uids query of seed is_hotkey_registered_on_subnet used exactly our key and got uid 29.
    String recorded = result("is_hotkey_registered_on_subnet", "state_getStorageAt", "[\"" + StorageKeys.uids(14, registered) + "\"");
    assertThat(SubtensorCodec.uid(recorded)).hasValue(29);
    assertThat(SubtensorCodec.uid(null)).isEmpty();
    assertThat(StorageKeys.commitmentKeyAccount(StorageKeys.commitmentOf(81, registered))).isEqualTo(registered);
  }

  @Test
  void commitmentRegistrationsDecode() {
    byte[] credentials = "f0e1d2c3b4a59687f0e1d2c3b4a59687AKIAQUARRYREADKEY000            rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
        .getBytes(StandardCharsets.US_ASCII);
    assertThat(credentials).hasSize(128);
    AccountId hotkey = AccountId.fromSs58("5Cf4LPRv6tiyuFsfLRQaFYEEn3zJRGi4bAE9DwbbKmbCSHpV");
    Commitment commitment = SubtensorCodec.commitment(hotkey, SubtensorCodec.encodeRegistration(0, 6852690, List.of(credentials)));
    assertThat(commitment.block()).isEqualTo(6852690);
    assertThat(commitment.text()).isEqualTo(new String(credentials, StandardCharsets.US_ASCII));
    // Hash, timelocked and BigRaw data variants keep their payloads.
    byte[] mixed = new dev.quarry.chain.scale.ScaleWriter().u64(0).u32(5).compact(3)
        .u8(130).raw(new byte[32]).u8(134).bytes(new byte[] {9, 9}).u64(77).u8(0).toByteArray();
    Commitment decoded = SubtensorCodec.commitment(hotkey, mixed);
    assertThat(decoded.fields()).extracting(field -> field.length).containsExactly(32, 2, 0);
    assertThatThrownBy(() -> SubtensorCodec.commitment(hotkey, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 4, (byte) 200}))
        .hasMessageContaining("unknown commitment Data tag 200");
  }

  @Test
  void eventsEncodedByPolkadotJsGiveOutcomes() {
    RuntimeMetadata metadata = MetadataParser.parse(Hex.decode(TestVectors.load("finney_metadata_v14_spec343.json").get("metadata_hex").asText()));
    JsonNode vector = TestVectors.load("events_spec343.json");
    byte[] events = hex(vector.get("events_hex"));
    for (JsonNode expected : vector.get("expected_outcomes")) {
      var outcome = ExtrinsicEvents.outcome(metadata, events, expected.get("index").asInt());
      if (expected.has("absent")) {
        assertThat(outcome).isEmpty();
        continue;
      }
      assertThat(outcome.orElseThrow().success()).isEqualTo(expected.get("success").asBoolean());
      assertThat(outcome.get().error()).isEqualTo(expected.get("error").isNull() ? null : expected.get("error").asText());
      if (expected.has("events")) {
        List<String> names = new ArrayList<>();
        expected.get("events").forEach(name -> names.add(name.asText()));
        assertThat(outcome.get().events()).containsExactlyElementsOf(names);
      }
    }
  }
}
