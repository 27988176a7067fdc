package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuarrySettingsTest {

  private static final Path HOME = Path.of("/home/miner");
  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final String WRITE_SECRET = "write-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String READ_SECRET = "read-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String PASSWORD = "correct horse battery staple";

  private static Map<String, String> complete() {
    Map<String, String> values = new HashMap<>();
    values.put("BT_NETWORK", "test");
    values.put("NETUID", "429");
    values.put("BT_WALLET_COLD", "mywallet");
    values.put("BT_WALLET_HOT", "miner1");
    values.put("QUARRY_WALLET_PASSWORD", PASSWORD);
    values.put("R2_ACCOUNT_ID", ACCOUNT);
    values.put("R2_BUCKET_ID", ACCOUNT);
    values.put("R2_WRITE_ACCESS_KEY_ID", "writekeyid0123456789abcdef012345");
    values.put("R2_WRITE_SECRET_ACCESS_KEY", WRITE_SECRET);
    values.put("R2_READ_ACCESS_KEY_ID", "readkeyid00123456789abcdef012345");
    values.put("R2_READ_SECRET_ACCESS_KEY", READ_SECRET);
    return values;
  }

  private static QuarrySettings load(Map<String, String> values) {
    return QuarrySettings.from(OperatorEnvironment.of(values), HOME);
  }

  private static ConfigurationError failure(Map<String, String> values) {
    try {
      load(values);
    } catch (ConfigurationError error) {
      return error;
    }
    throw new AssertionError("expected a ConfigurationError");
  }

  @Test
  void anEmptyEnvironmentGivesGrailDefaults() {
    QuarrySettings settings = load(Map.of());
    assertThat(settings.chain()).isEqualTo(new ChainSettings(
        "finney", URI.create("wss://entrypoint-finney.opentensor.ai:443"), 81, Duration.ofSeconds(15), 3));
    assertThat(settings.wallet().hotkeyFile()).isEqualTo(HOME.resolve(".bittensor/wallets/default/hotkeys/default"));
    assertThat(settings.storage()).isEmpty();
    assertThat(settings.mining().safetyBlocks()).isEqualTo(3);
    assertThat(settings.drand().enabled()).isTrue();
    assertThat(settings.drand().relays()).isEmpty();
    assertThat(settings.devices().generation().automatic()).isTrue();
    assertThat(settings.devices().maxModelLength()).isEqualTo(12288);
    assertThat(settings.paths().checkpointCache()).isEqualTo(HOME.resolve(".cache/grail/checkpoints"));
    assertThat(settings.paths().dataDirectory()).isEqualTo(HOME.resolve(".quarry"));
    assertThat(settings.node()).isEqualTo(NodeSettings.none());
    assertThat(settings.warnings()).isEmpty();
    assertThatThrownBy(settings::requireStorage).isInstanceOf(ConfigurationError.class).hasMessageContaining("quarry init");
  }

  @Test
  void aCompleteConfigurationIsTyped() {
    Map<String, String> values = complete();
    values.put("R2_FORCE_PATH_STYLE", "yes");
    values.put("UPLOAD_TIMEOUT", "45.5");
    values.put("QUARRY_DRAND", "0");
    values.put("QUARRY_DRAND_RELAYS", "https://relay-a.example, http://127.0.0.1:8080");
    values.put("GRAIL_CACHE_DIR", "~/fast");
    values.put("QUARRY_SEED_NODES", "10.0.0.1:25520, [fd00::1]:25521");
    values.put("QUARRY_MANAGEMENT_PORT", "0");
    QuarrySettings settings = load(values);

    BucketSettings bucket = settings.requireStorage();
    assertThat(bucket.bucketName()).isEqualTo(ACCOUNT);
    assertThat(bucket.endpoint()).isEqualTo(URI.create("https://" + ACCOUNT + ".r2.cloudflarestorage.com"));
    assertThat(bucket.region()).isEqualTo("us-east-1");
    assertThat(bucket.forcePathStyle()).isTrue();
    assertThat(bucket.uploadTimeout()).isEqualTo(Duration.ofMillis(45_500));
    assertThat(bucket.write().secretAccessKey().reveal()).isEqualTo(WRITE_SECRET);
    assertThat(bucket.read().secretAccessKey().reveal()).isEqualTo(READ_SECRET);
    assertThat(settings.chain().endpoint()).isEqualTo(URI.create("wss://test.finney.opentensor.ai:443"));
    assertThat(settings.chain().netuid()).isEqualTo(429);
    assertThat(settings.wallet().hotkeyPassword()).map(Secret::reveal).contains(PASSWORD);
    assertThat(settings.drand().enabled()).isFalse();
    assertThat(settings.drand().relays()).containsExactly(URI.create("https://relay-a.example"), URI.create("http://127.0.0.1:8080"));
    assertThat(settings.paths().checkpointCache()).isEqualTo(HOME.resolve("fast/checkpoints"));
    assertThat(settings.node().seedNodes()).contains(List.of("10.0.0.1:25520", "[fd00::1]:25521"));
    assertThat(settings.node().hoconOverrides("quarry"))
        .containsEntry("pekko.cluster.seed-nodes", List.of("pekko://quarry@10.0.0.1:25520", "pekko://quarry@[fd00::1]:25521"))
        .containsEntry("quarry.management.port", 0);
  }

  @Test
  void anExplicitEndpointWinsOverTheNamedNetwork() {
    Map<String, String> values = new HashMap<>(Map.of("BT_NETWORK", "finney", "BT_CHAIN_ENDPOINT", "ws://10.1.2.3:9944"));
    ChainSettings chain = load(values).chain();
    assertThat(chain.network()).isEqualTo("custom");
    assertThat(chain.endpoint()).isEqualTo(URI.create("ws://10.1.2.3:9944"));
  }

  @Test
  void grailGpuLayoutIsKeptWhenQuarryDevicesAreUnset() {
    DeviceSettings devices = load(Map.of(
        "GRAIL_PIPELINE_VLLM_GPU", "2", "GRAIL_PIPELINE_VLLM_TP", "2", "GRAIL_PIPELINE_PROOF_GPU", "4")).devices();
    assertThat(devices.generation().toString()).isEqualTo("gpu:2,gpu:3");
    assertThat(devices.proof().toString()).isEqualTo("gpu:4");

    DeviceSettings explicit = load(Map.of(
        "GRAIL_PIPELINE_VLLM_GPU", "2", "QUARRY_GENERATION_DEVICES", "cpu", "QUARRY_PROOF_DEVICE", "cuda:1")).devices();
    assertThat(explicit.generation().toString()).isEqualTo("cpu");
    assertThat(explicit.proof().toString()).isEqualTo("gpu:1");
  }

  @Test
  void everyProblemIsReportedAtOnceWithTheFix() {
    Map<String, String> values = complete();
    values.put("NETUID", "eighty-one");
    values.put("BT_NETWORK", "mainnet");
    values.put("R2_BUCKET_ID", "my-other-bucket");
    values.put("QUARRY_MANAGEMENT_PORT", "70000");
    values.put("QUARRY_PROOF_DEVICE", "gpu:0,gpu:1");
    ConfigurationError error = failure(values);
    assertThat(error.problems()).extracting(ConfigurationError.Problem::subject).containsExactlyInAnyOrder(
        "NETUID (given)", "BT_NETWORK (given)", "R2_BUCKET_ID (given)", "QUARRY_MANAGEMENT_PORT (given)",
        "QUARRY_PROOF_DEVICE (given)");
    assertThat(error.getMessage())
        .contains("\"eighty-one\" is not a whole number")
        .contains("must be one of archive, finney, latent-lite, local, test")
        .contains("must equal R2_ACCOUNT_ID")
        .contains("between 0 and 65535")
        .contains("proofs run on one device");
  }

  @Test
  void quarrysOwnMisspeltNamesAreErrorsAndOthersAreHints() {
    Map<String, String> values = new HashMap<>(Map.of("QUARRY_MANAGMENT_PORT", "9000"));
    assertThat(failure(values).getMessage()).contains("QUARRY_MANAGMENT_PORT").contains("did you mean QUARRY_MANAGEMENT_PORT?");

    QuarrySettings settings = load(Map.of("R2_ACOUNT_ID", "x", "WANDB_PROJECT", "grail", "GRAIL_TRAINER_LR", "1e-6"));
    assertThat(settings.warnings()).singleElement().asString().contains("R2_ACOUNT_ID").contains("did you mean R2_ACCOUNT_ID?");
  }

  @Test
  void missingReadKeysAreRefusedInsteadOfPublishingWriteKeys() {
    Map<String, String> values = complete();
    values.remove("R2_READ_ACCESS_KEY_ID");
    values.remove("R2_READ_SECRET_ACCESS_KEY");
    assertThat(failure(values).getMessage()).contains("R2_READ_ACCESS_KEY_ID").contains("publish your WRITE keys").contains("Quarry refuses")
        .contains("Read permission").contains("QUARRY_ALLOW_SINGLE_CREDENTIAL=true");

    Map<String, String> same = complete();
    same.put("R2_READ_ACCESS_KEY_ID", same.get("R2_WRITE_ACCESS_KEY_ID"));
    assertThat(failure(same).getMessage()).contains("same key as R2_WRITE_ACCESS_KEY_ID");
  }

  @Test
  void theSingleCredentialFallbackIsAnExplicitOptInWithAWarning() {
    Map<String, String> values = complete();
    values.remove("R2_READ_ACCESS_KEY_ID");
    values.remove("R2_READ_SECRET_ACCESS_KEY");
    values.put("QUARRY_ALLOW_SINGLE_CREDENTIAL", "true");
    String publishedSecret = "single-secret-" + "c".repeat(50); // 64 characters: fits the commitment
    values.put("R2_WRITE_SECRET_ACCESS_KEY", publishedSecret);
    QuarrySettings settings = load(values);
    BucketSettings bucket = settings.requireStorage();
    assertThat(bucket.readUsesWriteKey()).isTrue();
    assertThat(bucket.read()).isEqualTo(bucket.write());
    assertThat(settings.warnings()).singleElement().asString()
        .contains("QUARRY_ALLOW_SINGLE_CREDENTIAL=true", "R2_WRITE_ACCESS_KEY_ID", "R2_READ_ACCESS_KEY_ID", "published on chain")
        .doesNotContain(publishedSecret).doesNotContain("writekeyid0123456789abcdef012345");
    assertThat(settings.toString()).doesNotContain(publishedSecret);
    assertThat(load(complete()).requireStorage().readUsesWriteKey()).isFalse();

    // the write key is published, so it must fit the commitment as a read key would
    Map<String, String> longKey = new HashMap<>(values);
    longKey.put("R2_WRITE_ACCESS_KEY_ID", "k".repeat(33));
    longKey.put("R2_WRITE_SECRET_ACCESS_KEY", "s".repeat(65));
    ConfigurationError tooLong = failure(longKey);
    assertThat(tooLong.problems()).extracting(ConfigurationError.Problem::subject)
        .containsExactlyInAnyOrder("R2_WRITE_ACCESS_KEY_ID (given)", "R2_WRITE_SECRET_ACCESS_KEY (given)");
    assertThat(tooLong.getMessage()).contains("at most 32", "at most 64", "QUARRY_ALLOW_SINGLE_CREDENTIAL")
        .doesNotContain("s".repeat(65));

    Map<String, String> unclear = new HashMap<>(values);
    unclear.put("QUARRY_ALLOW_SINGLE_CREDENTIAL", "maybe");
    assertThat(failure(unclear).getMessage()).contains("QUARRY_ALLOW_SINGLE_CREDENTIAL (given): \"maybe\" is not true or false");
  }

  @Test
  void theEmbeddedServerNeedsOnlyTheWriteKey() {
    AccessKey key = QuarrySettings.writeKey(OperatorEnvironment.of(Map.of(
        "R2_WRITE_ACCESS_KEY_ID", "serverkey", "R2_WRITE_SECRET_ACCESS_KEY", WRITE_SECRET)));
    assertThat(key.accessKeyId()).isEqualTo("serverkey");
    assertThat(key.secretAccessKey().reveal()).isEqualTo(WRITE_SECRET);
    assertThat(key.toString()).doesNotContain(WRITE_SECRET).doesNotContain("serverkey").contains(Secret.REDACTED);
    assertThatThrownBy(() -> QuarrySettings.writeKey(OperatorEnvironment.of(Map.of("R2_WRITE_SECRET_ACCESS_KEY", "has space"))))
        .isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("R2_WRITE_ACCESS_KEY_ID: is not set")
        .hasMessageContaining("R2_WRITE_SECRET_ACCESS_KEY (given): the value contains whitespace")
        .hasMessageNotContaining("has space");
  }

  @Test
  void partialStorageNamesWhatIsMissing() {
    ConfigurationError error = failure(Map.of("R2_ACCOUNT_ID", ACCOUNT, "R2_READ_ACCESS_KEY_ID", "abc"));
    assertThat(error.problems()).extracting(ConfigurationError.Problem::subject)
        .containsExactlyInAnyOrder("R2_WRITE_ACCESS_KEY_ID", "R2_WRITE_SECRET_ACCESS_KEY", "R2_READ_SECRET_ACCESS_KEY");
    assertThat(error.getMessage()).contains("R2_WRITE_ACCESS_KEY_ID: is not set; set it to the key id of an R2 API token with Edit permission");
  }

  @Test
  void placeholdersFromExampleFilesAreRecognised() {
    Map<String, String> values = complete();
    values.put("R2_ACCOUNT_ID", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    values.put("R2_BUCKET_ID", "");
    values.put("R2_WRITE_ACCESS_KEY_ID", "AKIAXXXXXXXXXXXXXXXX");
    values.put("R2_WRITE_SECRET_ACCESS_KEY", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
    assertThat(failure(values).problems()).extracting(ConfigurationError.Problem::message)
        .filteredOn(message -> message.contains("placeholder")).hasSize(3);
  }

  @Test
  void secretsNeverAppearInErrorsDumpsOrJson() throws Exception {
    Map<String, String> bad = complete();
    bad.put("R2_READ_SECRET_ACCESS_KEY", READ_SECRET + "-too-long-for-the-commitment");
    bad.put("R2_WRITE_SECRET_ACCESS_KEY", "has whitespace " + WRITE_SECRET);
    ConfigurationError error = failure(bad);
    assertThat(error.getMessage())
        .contains("R2_READ_SECRET_ACCESS_KEY").contains("at most 64")
        .contains("R2_WRITE_SECRET_ACCESS_KEY").contains("whitespace")
        .doesNotContain(READ_SECRET).doesNotContain(WRITE_SECRET);

    QuarrySettings settings = load(complete());
    String json = new ObjectMapper().registerModule(new Jdk8Module()).findAndRegisterModules().writeValueAsString(settings);
    List<String> renderings = List.of(settings.toString(), json, QuarrySettings.describe(OperatorEnvironment.of(complete())).toString());
    for (String rendering : renderings) {
      assertThat(rendering).doesNotContain(WRITE_SECRET).doesNotContain(READ_SECRET).doesNotContain(PASSWORD).contains(Secret.REDACTED);
    }
    assertThat(settings.toString()).contains(ACCOUNT);
  }

  @Test
  void describeShowsOriginsAndDefaults() {
    List<QuarrySettings.EffectiveValue> rows = QuarrySettings.describe(OperatorEnvironment.of(Map.of("NETUID", "5")));
    assertThat(rows).hasSize(Variable.values().length);
    assertThat(rows).contains(
        new QuarrySettings.EffectiveValue("NETUID", "5", "given"),
        new QuarrySettings.EffectiveValue("BT_NETWORK", "finney (default)", "default"),
        new QuarrySettings.EffectiveValue("R2_WRITE_SECRET_ACCESS_KEY", "(not set)", "default"));
  }

  @Test
  void kernelEvaluationOnGpuNeedsGpus() {
    assertThat(failure(Map.of("GRAIL_GPU_EVAL", "true")).getMessage()).contains("KERNEL_EVAL_GPU_IDS");
    assertThat(load(Map.of("GRAIL_GPU_EVAL", "true", "KERNEL_EVAL_GPU_IDS", "2,3")).devices().kernelEvaluation().gpuIds())
        .containsExactly(2, 3);
  }

  @Test
  void everyVariableChecksValuesTheSameWayAsLoading() {
    assertThat(Variable.NETUID.problemWith("abc")).contains("is not a whole number");
    assertThat(Variable.NETUID.problemWith("81")).isEmpty();
    assertThat(Variable.NETUID.problemWith("")).isEmpty();
    assertThat(Variable.BT_WALLET_HOT.problemWith("5GrwvaEF/../x")).isPresent();
    assertThat(Variable.R2_READ_SECRET_ACCESS_KEY.problemWith("a".repeat(65))).get().asString().contains("at most 64").doesNotContain("aaaa");
    assertThat(Variable.R2_READ_SECRET_ACCESS_KEY.problemWith("s\u00e9cret")).get().asString().contains("non-ASCII").doesNotContain("cret");
    assertThat(Variable.R2_READ_ACCESS_KEY_ID.problemWith("k".repeat(33))).get().asString().contains("at most 32");
    assertThat(Variable.R2_WRITE_ACCESS_KEY_ID.problemWith("k".repeat(33))).isEmpty(); // private unless published
    assertThat(Variable.QUARRY_ALLOW_SINGLE_CREDENTIAL.problemWith("on")).isEmpty();
  }
}
