package dev.quarry.god;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.config.ConfigurationError;
import dev.quarry.config.OperatorEnvironment;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GodSettingsTest {

  private static final String REPO = "https://github.com/quarry-test/god-trainer";
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final String TOKEN = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz";

  private static GodSettings read(Map<String, String> values) {
    return read(values, "finney");
  }

  private static GodSettings read(Map<String, String> values, String network) {
    return GodSettings.from(OperatorEnvironment.of(values), network, Path.of("/data"), DatasetWhitelist.shipped());
  }

  private static Map<String, String> base() {
    Map<String, String> values = new HashMap<>();
    values.put("MINER_TRAINING_REPO", REPO);
    values.put("MINER_TRAINING_COMMIT", COMMIT);
    return values;
  }

  @Test
  void sharedValuesServeEveryFamilyWithFiberDefaults() {
    GodSettings settings = read(base());
    assertThat(settings.repos()).containsOnlyKeys(TournamentType.values());
    assertThat(settings.repos().get(TournamentType.IMAGE)).isEqualTo(new TrainingRepo(REPO, COMMIT, java.util.Optional.empty(), List.of()));
    assertThat(settings.netuid()).isEqualTo(56);
    assertThat(settings.port()).isEqualTo(7999);
    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.minStakeThreshold()).isEqualTo(BigInteger.valueOf(1000));
    assertThat(settings.stakeRefresh()).hasSeconds(300);
    assertThat(settings.metagraphCache()).isEqualTo(Path.of("/data/god/metagraph-56.json"));
    assertThat(settings.warnings()).isEmpty();
    assertThat(read(base(), "test").netuid()).as("G.O.D's testnet subnet").isEqualTo(241);
  }

  @Test
  void familyValuesOverrideSharedOnesFieldByField() {
    Map<String, String> values = base();
    values.put("MINER_IMAGE_TRAINING_REPO", "https://github.com/quarry-test/image-trainer.git");
    values.put("MINER_IMAGE_TRAINING_COMMIT", "fedcba9876543210fedcba9876543210fedcba98");
    values.put("MINER_GITHUB_TOKEN", TOKEN);
    values.put("MINER_TEXT_REQUESTED_DATASETS", "tasksource/Boardgame-QA");
    GodSettings settings = read(values);
    TrainingRepo image = settings.repos().get(TournamentType.IMAGE);
    assertThat(image.githubRepo()).isEqualTo("https://github.com/quarry-test/image-trainer.git");
    assertThat(image.commitHash()).isEqualTo("fedcba9876543210fedcba9876543210fedcba98");
    assertThat(image.githubToken().orElseThrow().reveal()).isEqualTo(TOKEN);
    assertThat(settings.repos().get(TournamentType.TEXT).requestedDatasets()).containsExactly("tasksource/Boardgame-QA");
    assertThat(settings.repos().get(TournamentType.ENVIRONMENT).requestedDatasets()).isEmpty();
  }

  @Test
  void aFamilyWithoutRepositoryAndCommitIsNotOffered() {
    Map<String, String> values = new HashMap<>();
    values.put("MINER_TEXT_TRAINING_REPO", REPO);
    values.put("MINER_TEXT_TRAINING_COMMIT", COMMIT);
    assertThat(read(values).repos()).containsOnlyKeys(TournamentType.TEXT);
  }

  @Test
  void datasetsFollowGodsWhitelistRuleWithWarnings() {
    Map<String, String> values = base();
    values.put("MINER_REQUESTED_DATASETS", "not/listed, RZ412/PokerBench ,tasksource/boardgame-qa,albarji/ballmatro,SoelMgd/Poker_Dataset");
    GodSettings settings = read(values);
    assertThat(settings.repos().get(TournamentType.TEXT).requestedDatasets()).containsExactly("RZ412/PokerBench", "albarji/ballmatro");
    assertThat(settings.warnings()).hasSize(3);
    assertThat(settings.warnings()).anySatisfy(warning -> assertThat(warning).contains("not/listed").contains("not on G.O.D's dataset whitelist"));
    assertThat(settings.warnings()).anySatisfy(warning -> assertThat(warning).contains("did you mean tasksource/Boardgame-QA?"));
    assertThat(settings.warnings()).anySatisfy(warning -> assertThat(warning).contains("SoelMgd/Poker_Dataset").contains("at most 2"));
  }

  @Test
  void everyBadValueIsReportedAtOnceWithItsFix() {
    Map<String, String> values = new HashMap<>();
    values.put("MINER_TRAINING_REPO", "http://github.com/quarry-test/god-trainer");
    values.put("MINER_TRAINING_COMMIT", "main");
    values.put("MINER_IMAGE_TRAINING_REPO", "https://gitlab.com/quarry-test/trainer");
    values.put("MINER_IMAGE_TRAINING_COMMIT", COMMIT.toUpperCase());
    values.put("MINER_ENVIRONMENT_TRAINING_COMMIT", "0123456");
    values.put("MIN_STAKE_THRESHOLD", "1e3");
    values.put("QUARRY_GOD_PORT", "70000");
    ConfigurationError error = (ConfigurationError) org.assertj.core.api.Assertions.catchThrowable(() -> read(values));
    assertThat(error).isNotNull();
    String message = error.getMessage();
    assertThat(message).contains("MINER_TRAINING_REPO").contains("not an https URL");
    assertThat(message).contains("MINER_TRAINING_COMMIT").contains("\"main\" is not a commit SHA").contains("git rev-parse main");
    assertThat(message).contains("MINER_IMAGE_TRAINING_REPO").contains("not on github.com");
    assertThat(message).contains("MINER_IMAGE_TRAINING_COMMIT").contains("upper-case");
    assertThat(message).contains("MINER_ENVIRONMENT_TRAINING_COMMIT").contains("abbreviated SHA");
    assertThat(message).contains("MIN_STAKE_THRESHOLD").contains("not a whole number");
    assertThat(message).contains("QUARRY_GOD_PORT").contains("out of range");
  }

  @Test
  void halfConfiguredFamiliesAndNothingConfiguredAreErrors() {
    Map<String, String> values = new HashMap<>();
    values.put("MINER_TEXT_TRAINING_REPO", REPO);
    assertThatThrownBy(() -> read(values)).isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("MINER_TRAINING_COMMIT: is not set but MINER_TEXT_TRAINING_REPO is")
        .hasMessageContaining("set MINER_TEXT_TRAINING_COMMIT or MINER_TRAINING_COMMIT");
    assertThatThrownBy(() -> read(Map.of())).isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("quarry god init");
  }

  @Test
  void repositoriesMustBeCanonicalGithubUrls() {
    assertThat(GodSettings.repositoryProblem("https://github.com/rayonlabs/G.O.D")).isEmpty();
    assertThat(GodSettings.repositoryProblem("https://github.com/a-b/c_d.git")).isEmpty();
    for (String bad : List.of("https://github.com/owner", "https://github.com/owner/repo/", "https://github.com/owner/repo/tree/main",
        "https://github.com:8443/owner/repo", "https://github.com/owner/repo?x=1", "github.com/owner/repo", "https://github.com/-owner/repo",
        "https://github.com/owner/..")) {
      assertThat(GodSettings.repositoryProblem(bad)).as(bad).isPresent();
    }
  }

  @Test
  void tokensNeverAppearInMessagesOrToString() {
    Map<String, String> values = base();
    values.put("MINER_TRAINING_REPO", "https://" + TOKEN + "@github.com/quarry-test/god-trainer");
    values.put("MINER_GITHUB_TOKEN", TOKEN + " extra");
    ConfigurationError error = (ConfigurationError) org.assertj.core.api.Assertions.catchThrowable(() -> read(values));
    assertThat(error.getMessage()).contains("credentials in the URL").contains("MINER_GITHUB_TOKEN").doesNotContain(TOKEN)
        .doesNotContain("github_pat");
    Map<String, String> good = base();
    good.put("MINER_GITHUB_TOKEN", TOKEN);
    GodSettings settings = read(good);
    assertThat(settings.toString()).doesNotContain(TOKEN);
    assertThat(settings.repos().get(TournamentType.TEXT).toString()).doesNotContain(TOKEN).contains("<redacted>");
  }

  @Test
  void theThresholdIsReadLikeFibersInt() {
    Map<String, String> values = base();
    values.put("MIN_STAKE_THRESHOLD", " 1_500 ");
    assertThat(read(values).minStakeThreshold()).isEqualTo(BigInteger.valueOf(1500));
    values.put("MIN_STAKE_THRESHOLD", "0");
    assertThat(read(values).minStakeThreshold()).isZero();
    values.put("MIN_STAKE_THRESHOLD", "-5");
    assertThat(read(values).minStakeThreshold()).isEqualTo(BigInteger.valueOf(-5));
  }
}
