package dev.quarry.god;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.chain.NeuronStake;
import dev.quarry.chain.metadata.TypeRegistry;
import dev.quarry.chain.scale.ScaleException;
import dev.quarry.chain.subtensor.SelectiveMetagraph;
import dev.quarry.chain.subtensor.SubtensorCodec;
import dev.quarry.crypto.Hex;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stake weights read from a recorded finney answer (subnet 1, block 6852690) with the layout of
 * the recorded V15 metadata, and turned into Fiber's stake figure.
 */
class MetagraphStakesTest {

  private static JsonNode recording;
  private static SelectiveMetagraph.Layout layout;
  private static List<NeuronStake> stakes;
  private static List<NeuronInfo> lite;

  @BeforeAll
  static void decode() {
    recording = GodVectors.load("metagraph_stakes_finney.json.gz");
    TypeRegistry types = SelectiveMetagraph.registryFromMetadataAtVersion(Hex.decode(recording.path("metadata_at_version_15").asText()))
        .orElseThrow();
    layout = SelectiveMetagraph.layout(types);
    stakes = SelectiveMetagraph.decode(layout, Hex.decode(recording.path("selective_mechagraph_result").asText())).orElseThrow();
    lite = SubtensorCodec.neuronsLite(Hex.decode(recording.path("neurons_lite_result").asText()));
  }

  @Test
  void fieldPositionsComeFromTheMetadataAndMatchSubtensorsIndexEnum() {
    // SelectiveMetagraphIndex in pallets/subtensor/src/rpc_info/metagraph.rs: Hotkeys = 52, AlphaStake = 67,
    // TaoStake = 68, TotalStake = 69 (the recorded request asked for all 74 indexes).
    assertThat(layout.indexes()).containsEntry("hotkeys", 52).containsEntry("alpha_stake", 67)
        .containsEntry("tao_stake", 68).containsEntry("total_stake", 69);
    assertThat(Hex.encode(SelectiveMetagraph.request(56, layout))).isEqualTo("3800" + "10" + "3400" + "4300" + "4400" + "4500");
  }

  @Test
  void theRecordedMetagraphDecodesCompletelyAndAgreesWithNeuronsLite() {
    assertThat(stakes).hasSize(1024).hasSameSizeAs(lite);
    for (int uid = 0; uid < stakes.size(); uid++) {
      assertThat(stakes.get(uid).uid()).isEqualTo(uid);
      assertThat(stakes.get(uid).hotkey()).as("hotkey of uid %d", uid).isEqualTo(lite.get(uid).hotkey());
    }
    assertThat(stakes.get(0).totalStakeRao()).isEqualTo(2_557_172_316L);
    assertThat(stakes.get(3).totalStakeRao()).isEqualTo(32_787_516_319L);
  }

  @Test
  void totalStakeIsAlphaPlusWeightedRootStakeForEveryNeuron() {
    // total = alpha + tao × TaoWeight, with one TaoWeight for the whole chain: the three decoded
    // vectors line up, and root stake counts for Fiber's threshold.
    long withRootStake = stakes.stream().filter(stake -> stake.taoStakeRao() > 0).count();
    assertThat(withRootStake).isEqualTo(21);
    NeuronStake largest = stakes.stream().max(java.util.Comparator.comparingLong(NeuronStake::taoStakeRao)).orElseThrow();
    double weight = (double) (largest.totalStakeRao() - largest.alphaStakeRao()) / largest.taoStakeRao();
    assertThat(weight).isBetween(0.17, 0.19);
    for (NeuronStake stake : stakes) {
      // The runtime works in I64F64 fixed point and truncates to whole rao.
      double expected = stake.alphaStakeRao() + stake.taoStakeRao() * weight;
      assertThat((double) stake.totalStakeRao()).as("total stake of uid %d", stake.uid()).isCloseTo(expected,
          org.assertj.core.api.Assertions.within(2.0 + stake.taoStakeRao() * 1e-9));
    }
  }

  @Test
  void fibersStakeCanPassTheThresholdWhereNeuronsLiteStakeWouldNot() {
    // uid 24 holds 959.87 alpha itself (neurons-lite) but 58 036.8 TAO of stake weight: Fiber answers it
    // with the default threshold of 1000, so Quarry must read the same figure.
    NeuronStake validator = stakes.get(24);
    assertThat(lite.get(24).stake()).isEqualTo(959_873_144_507L);
    assertThat(validator.totalStakeRao()).isEqualTo(58_036_807_815_746L);
    MetagraphStakes metagraph = MetagraphStakes.fromChain(stakes, Instant.EPOCH, 6_852_690);
    double stake = metagraph.stakeOf(validator.hotkey().ss58()).orElseThrow();
    assertThat(stake).isEqualTo(58_036_807_815_746L * 1e-9);
    assertThat(MetagraphStakes.isBelow(stake, BigInteger.valueOf(1000))).isFalse();
    assertThat(MetagraphStakes.isBelow(MetagraphStakes.fiberStake(lite.get(24).stake()), BigInteger.valueOf(1000))).isTrue();
    assertThat(metagraph.countAtLeast(BigInteger.valueOf(1000))).isEqualTo(
        stakes.stream().filter(s -> s.totalStakeRao() * 1e-9 >= 1000).count());
  }

  @Test
  void fiberMultipliesByTheDoubleOneBillionthRatherThanDividing() {
    // Python: 123456789 * 10**-9 == 0.12345678900000001, while 123456789 / 1e9 == 0.123456789.
    assertThat(MetagraphStakes.fiberStake(123_456_789L)).isEqualTo(0.12345678900000001);
    assertThat(MetagraphStakes.fiberStake(123_456_789L)).isNotEqualTo(123_456_789L / 1e9);
    assertThat(MetagraphStakes.fiberStake(999_999_999_999L)).isEqualTo(999_999_999_999L * 1e-9);
    // Python compares float and int exactly: 999.999999999 < 1000 and 1000.0 == 1000.
    assertThat(MetagraphStakes.isBelow(1000.0, BigInteger.valueOf(1000))).isFalse();
    assertThat(MetagraphStakes.isBelow(Math.nextDown(1000.0), BigInteger.valueOf(1000))).isTrue();
    assertThat(MetagraphStakes.isBelow(9_007_199_254_740_992.0, new BigInteger("9007199254740993"))).isTrue();
  }

  @Test
  void aMissingSubnetAndAnAnswerWithoutStakeFieldsAreReportedNotGuessed() {
    assertThat(SelectiveMetagraph.decode(layout, new byte[] {0})).isEmpty();
    // A selection without the stake fields: netuid only, every Option None.
    byte[] onlyNetuid = new byte[1 + 1 + 73];
    onlyNetuid[0] = 1;
    onlyNetuid[1] = 4; // Compact(1)
    assertThatThrownBy(() -> SelectiveMetagraph.decode(layout, onlyNetuid))
        .isInstanceOf(ScaleException.class).hasMessageContaining("hotkeys");
  }
}
