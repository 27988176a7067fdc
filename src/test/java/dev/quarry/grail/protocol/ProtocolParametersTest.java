package dev.quarry.grail.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ProtocolParametersTest {

  @Test
  void v5DefaultsAreTheReferenceConstants() {
    JsonNode vectors = Vectors.load("constants.json");
    JsonNode c = vectors.get("constants");
    ProtocolParameters p = ProtocolParameters.v5();
    assertThat(p.proof().version()).isEqualTo(c.get("GRAIL_PROOF_VERSION").asText());
    assertThat(p.proof().acceptedVersions()).containsExactlyInAnyOrder("v4", "v5");
    assertThat(p.proof().primeQ()).isEqualTo(c.get("PRIME_Q").asLong());
    assertThat(p.proof().challengeK()).isEqualTo(c.get("CHALLENGE_K").asInt());
    assertThat(p.proof().layerIndex()).isEqualTo(c.get("LAYER_INDEX").asInt());
    assertThat(p.proof().batchSize()).isEqualTo(c.get("PROOF_BATCH_SIZE").asInt());
    assertThat(p.proof().topK()).isEqualTo(c.get("PROOF_TOPK").asInt());
    assertThat(p.proof().bucketsPerSign()).isEqualTo(c.get("PROOF_NUM_BUCKETS").asInt());
    assertThat(p.proof().coefficientRange()).isEqualTo(c.get("PROOF_COEFF_RANGE").asInt());
    assertThat(p.proof().toleranceBase()).isEqualTo(c.get("PROOF_SKETCH_TOLERANCE_BASE").asInt());
    assertThat(p.proof().toleranceGrowth()).isEqualTo(c.get("PROOF_SKETCH_TOLERANCE_GROWTH").asDouble());
    assertThat(p.windows().windowLength()).isEqualTo(c.get("WINDOW_LENGTH").asInt());
    assertThat(p.windows().blockTimeSeconds()).isEqualTo(c.get("BLOCK_TIME_SECONDS").asInt());
    assertThat(p.rollouts().rolloutsPerProblem()).isEqualTo(c.get("ROLLOUTS_PER_PROBLEM").asInt());
    assertThat(p.rollouts().maxNewTokensCap()).isEqualTo(c.get("MAX_NEW_TOKENS_PROTOCOL_CAP").asInt());
    assertThat(p.rollouts().minEosProbability()).isEqualTo(c.get("MIN_EOS_PROBABILITY").asDouble());
    assertThat(p.rollouts().rewardRelativeTolerance()).isEqualTo(c.get("REWARD_REL_TOL").asDouble());
    assertThat(p.rollouts().rewardAbsoluteTolerance()).isEqualTo(c.get("REWARD_ABS_TOL").asDouble());
    assertThat(p.incentive().superlinearExponent()).isEqualTo(c.get("SUPERLINEAR_EXPONENT").asDouble());
    assertThat(p.incentive().uniqueRolloutsCap()).isEqualTo(c.get("UNIQUE_ROLLOUTS_CAP").asInt());
    assertThat(p.incentive().uniqueRolloutsCapEnabled()).isEqualTo(c.get("UNIQUE_ROLLOUTS_CAP_ENABLED").asBoolean());
    assertThat(p.incentive().burnUid()).isEqualTo(c.get("GRAIL_BURN_UID").asInt());
    assertThat(p.incentive().burnPercentage()).isEqualTo(c.get("GRAIL_BURN_PERCENTAGE").asDouble());
    assertThat(p.incentive().trainerUid()).isEqualTo(c.get("TRAINER_UID").asInt());
    assertThat(p.validation().minerSamplingEnabled()).isEqualTo(c.get("MINER_SAMPLING_ENABLED").asBoolean());
    assertThat(p.validation().minerSampleRate()).isEqualTo(c.get("MINER_SAMPLE_RATE").asDouble());
    assertThat(p.validation().minerSampleMin()).isEqualTo(c.get("MINER_SAMPLE_MIN").asInt());
    assertThat(p.validation().minerSampleMax()).isEqualTo(c.get("MINER_SAMPLE_MAX").asInt());
    assertThat(p.validation().failureLookbackWindows()).isEqualTo(c.get("FAILURE_LOOKBACK_WINDOWS").asInt());
    assertThat(p.validation().minFileBytes()).isEqualTo(c.get("MIN_ROLLOUT_FILE_SIZE_BYTES").asLong());
    assertThat(p.validation().maxFileBytes()).isEqualTo(c.get("MAX_ROLLOUT_FILE_SIZE_BYTES").asLong());
    assertThat(new String(Prf.LABEL_SKETCH, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(c.get("RNG_LABEL").get("sketch").asText());
    assertThat(new String(Prf.LABEL_OPEN, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(c.get("RNG_LABEL").get("open").asText());

    JsonNode v = vectors.get("miner_validator");
    assertThat(p.validation().checkAllThreshold()).isEqualTo(v.get("MAX_SAMPLES_PER_MINER_THRESHOLD").asInt());
    assertThat(p.validation().maxSamplesPerMiner()).isEqualTo(v.get("MAX_SAMPLES_PER_MINER").asInt());
    assertThat(p.validation().groupSampleRate()).isEqualTo(v.get("SAMPLE_RATE").asDouble());
    assertThat(p.validation().advantageSumTolerance()).isEqualTo(v.get("GRPO_ADV_SUM_TOLERANCE").asDouble());
    JsonNode s = vectors.get("service");
    assertThat(p.incentive().weightIntervalBlocks()).isEqualTo(s.get("WEIGHT_SUBMISSION_INTERVAL_BLOCKS").asInt());
    assertThat(p.incentive().rollingWindows()).isEqualTo(s.get("WEIGHT_ROLLING_WINDOWS").asInt());
    assertThat(p.validation().deadlineSlackSeconds()).isEqualTo(s.get("DEADLINE_SLACK_SECONDS").asDouble());
  }
}
