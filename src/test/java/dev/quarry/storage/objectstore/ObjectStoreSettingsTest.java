package dev.quarry.storage.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.quarry.config.AccessKey;
import dev.quarry.config.ConfigurationError;
import dev.quarry.config.OperatorEnvironment;
import dev.quarry.config.QuarrySettings;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** From the operator's R2_* variables (read by dev.quarry.config) to the client's settings. */
class ObjectStoreSettingsTest {

  private static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  private static final String WRITE_SECRET = "w".repeat(64);
  private static final String READ_SECRET = "r".repeat(64);

  private static Map<String, String> dual() {
    Map<String, String> environment = new HashMap<>();
    environment.put("R2_ACCOUNT_ID", ACCOUNT);
    environment.put("R2_BUCKET_ID", ACCOUNT);
    environment.put("R2_WRITE_ACCESS_KEY_ID", "writekeyid0000000000000000000001");
    environment.put("R2_WRITE_SECRET_ACCESS_KEY", WRITE_SECRET);
    environment.put("R2_READ_ACCESS_KEY_ID", "readkeyid00000000000000000000001");
    environment.put("R2_READ_SECRET_ACCESS_KEY", READ_SECRET);
    return environment;
  }

  private static QuarrySettings operatorSettings(Map<String, String> environment) {
    return QuarrySettings.from(OperatorEnvironment.of(environment), Path.of("/home/miner"));
  }

  private static ObjectStoreSettings load(Map<String, String> environment) {
    return ObjectStoreSettings.from(operatorSettings(environment).requireStorage());
  }

  @Test
  void dualCredentialsWithTheR2Endpoint() {
    ObjectStoreSettings settings = load(dual());
    assertThat(settings.location().endpoint()).isEqualTo(URI.create("https://" + ACCOUNT + ".r2.cloudflarestorage.com"));
    assertThat(settings.location().endpointOverridden()).isFalse();
    assertThat(settings.location().bucket()).isEqualTo(ACCOUNT);
    assertThat(settings.location().region()).isEqualTo("us-east-1");
    assertThat(settings.location().pathStyle()).isFalse();
    assertThat(settings.readFallsBackToWrite()).isFalse();
    assertThat(settings.readCredentials().secretAccessKey().reveal()).isEqualTo(READ_SECRET);
    assertThat(settings.writeCredentials().secretAccessKey().reveal()).isEqualTo(WRITE_SECRET);
    assertThat(settings.transfer().attemptTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.transfer().multipartThreshold()).isEqualTo(50L * 1024 * 1024);
  }

  @Test
  void theReadCommitmentIs128CharactersOfAccountKeyIdAndSecret() {
    Map<String, String> environment = dual();
    environment.put("R2_READ_SECRET_ACCESS_KEY", "short-secret");
    ReadCredentialCommitment commitment = load(environment).readCommitment();
    String text = commitment.text();
    assertThat(text).hasSize(128);
    assertThat(text.substring(0, 32)).isEqualTo(ACCOUNT);
    assertThat(text.substring(32, 64)).isEqualTo("readkeyid00000000000000000000001");
    assertThat(text.substring(64)).isEqualTo("short-secret" + " ".repeat(52));
    // what validators read back from the chain
    assertThat(ReadCredentialCommitment.parse(commitment.bytes())).contains(commitment);
  }

  @Test
  void secretsNeverAppearInToString() {
    String text = load(dual()).toString();
    assertThat(text).doesNotContain(WRITE_SECRET).doesNotContain(READ_SECRET)
        .doesNotContain("writekeyid0000000000000000000001").contains("<redacted>").contains(ACCOUNT);
  }

  @Test
  void withoutReadKeysTheWriteKeysAreRefusedUnlessTheOperatorOptsIn() {
    Map<String, String> environment = dual();
    environment.remove("R2_READ_ACCESS_KEY_ID");
    environment.remove("R2_READ_SECRET_ACCESS_KEY");
    assertThatThrownBy(() -> load(environment))
        .isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("R2_READ_ACCESS_KEY_ID")
        .hasMessageContaining("create a second R2 API token with Read permission")
        .hasMessageContaining("QUARRY_ALLOW_SINGLE_CREDENTIAL=true")
        .hasMessageNotContaining(WRITE_SECRET);

    environment.put("QUARRY_ALLOW_SINGLE_CREDENTIAL", "true");
    QuarrySettings operator = operatorSettings(environment);
    assertThat(operator.warnings()).singleElement().asString()
        .contains("QUARRY_ALLOW_SINGLE_CREDENTIAL", "R2_WRITE_SECRET_ACCESS_KEY", "published on chain")
        .doesNotContain(WRITE_SECRET).doesNotContain("writekeyid0000000000000000000001");
    ObjectStoreSettings settings = ObjectStoreSettings.from(operator.requireStorage());
    assertThat(settings.readFallsBackToWrite()).isTrue();
    assertThat(settings.readCredentials()).isEqualTo(settings.writeCredentials());
    assertThat(settings.toString()).contains("(write keys)").doesNotContain(WRITE_SECRET);

    Logger logger = (Logger) LoggerFactory.getLogger(ObjectStoreSettings.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      ReadCredentialCommitment commitment = settings.readCommitment();
      assertThat(commitment.accessKeyId()).isEqualTo("writekeyid0000000000000000000001");
      assertThat(commitment.secretAccessKey()).isEqualTo(WRITE_SECRET);
    } finally {
      logger.detachAppender(logged);
    }
    assertThat(logged.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel().toString()).isEqualTo("WARN");
      assertThat(event.getFormattedMessage()).contains("WRITE key", "QUARRY_ALLOW_SINGLE_CREDENTIAL")
          .doesNotContain(WRITE_SECRET).doesNotContain("writekeyid0000000000000000000001");
    });
  }

  @Test
  void halfSetReadKeysAreAnError() {
    Map<String, String> environment = dual();
    environment.remove("R2_READ_SECRET_ACCESS_KEY");
    environment.put("QUARRY_ALLOW_SINGLE_CREDENTIAL", "true"); // the opt-in covers no read key, not half of one
    assertThatThrownBy(() -> load(environment))
        .isInstanceOf(ConfigurationError.class)
        .hasMessageContaining("R2_READ_SECRET_ACCESS_KEY: is not set but R2_READ_ACCESS_KEY_ID is");
  }

  @Test
  void theBucketMustBeNamedAfterTheAccount() {
    Map<String, String> environment = dual();
    environment.put("R2_BUCKET_ID", "my-grail-bucket");
    assertThatThrownBy(() -> load(environment))
        .isInstanceOf(ConfigurationError.class)
        .hasMessageStartingWith("R2_BUCKET_ID (given): is \"my-grail-bucket\" but must equal R2_ACCOUNT_ID (" + ACCOUNT + ")")
        .hasMessageContaining("Create a bucket named '" + ACCOUNT + "' (location ENAM)")
        .hasMessageNotContaining(WRITE_SECRET);
  }

  @Test
  void missingVariablesAreNamed() {
    Map<String, String> environment = dual();
    environment.remove("R2_ACCOUNT_ID");
    assertThatThrownBy(() -> load(environment))
        .hasMessageStartingWith("R2_ACCOUNT_ID: is not set");
    Map<String, String> noWrite = dual();
    noWrite.remove("R2_WRITE_SECRET_ACCESS_KEY");
    assertThatThrownBy(() -> load(noWrite))
        .hasMessageContaining("R2_WRITE_SECRET_ACCESS_KEY: is not set");
  }

  @Test
  void readKeysMustFitTheOnChainCommitment() {
    Map<String, String> environment = dual();
    environment.put("R2_READ_SECRET_ACCESS_KEY", "s".repeat(65));
    assertThatThrownBy(() -> load(environment))
        .hasMessageContaining("at most 64").hasMessageNotContaining("s".repeat(65));
    // single-credential mode publishes the write key, so the same limits apply to it
    Map<String, String> single = dual();
    single.remove("R2_READ_ACCESS_KEY_ID");
    single.remove("R2_READ_SECRET_ACCESS_KEY");
    single.put("QUARRY_ALLOW_SINGLE_CREDENTIAL", "yes");
    single.put("R2_WRITE_SECRET_ACCESS_KEY", "w".repeat(65));
    assertThatThrownBy(() -> load(single))
        .hasMessageContaining("R2_WRITE_SECRET_ACCESS_KEY").hasMessageContaining("at most 64")
        .hasMessageNotContaining("w".repeat(65));
  }

  @Test
  void endpointOverrideRegionPathStyleAndTimeout() {
    Map<String, String> environment = dual();
    environment.put("R2_ENDPOINT_URL", "http://127.0.0.1:9000");
    environment.put("R2_REGION", "auto");
    environment.put("R2_FORCE_PATH_STYLE", "Yes");
    environment.put("UPLOAD_TIMEOUT", "12.5");
    ObjectStoreSettings settings = load(environment);
    assertThat(settings.location().endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(settings.location().endpointOverridden()).isTrue();
    assertThat(settings.location().region()).isEqualTo("auto");
    assertThat(settings.location().pathStyle()).isTrue();
    assertThat(settings.transfer().attemptTimeout()).isEqualTo(Duration.ofMillis(12_500));
    // another account's bucket is reached through the same override
    ObjectStoreSettings trainer = settings.forReadingAccount("fedcba9876543210fedcba9876543210",
        AccessKey.of("trainerreadkey", "trainer-secret"));
    assertThat(trainer.location().bucket()).isEqualTo("fedcba9876543210fedcba9876543210");
    assertThat(trainer.location().endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    ObjectStoreSettings r2 = load(dual()).forReadingAccount("fedcba9876543210fedcba9876543210",
        AccessKey.of("trainerreadkey", "trainer-secret"));
    assertThat(r2.location().endpoint().toString()).isEqualTo("https://fedcba9876543210fedcba9876543210.r2.cloudflarestorage.com");

    environment.put("R2_ENDPOINT_URL", "localhost:9000");
    assertThatThrownBy(() -> load(environment)).hasMessageContaining("R2_ENDPOINT_URL");
    environment.put("R2_ENDPOINT_URL", "http://127.0.0.1:9000");
    environment.put("UPLOAD_TIMEOUT", "soon");
    assertThatThrownBy(() -> load(environment)).hasMessageContaining("UPLOAD_TIMEOUT");
  }

  @Test
  void aMinersBucketIsReadWithTheCredentialsItCommittedOnChain() {
    ReadCredentialCommitment committed = ReadCredentialCommitment.parse(
        ("fedcba9876543210fedcba9876543210" + "minerreadkey" + " ".repeat(20) + "miner-read-secret" + " ".repeat(47))
            .getBytes(StandardCharsets.US_ASCII)).orElseThrow();
    ObjectStoreSettings miner = load(dual()).forReading(committed);
    assertThat(miner.location().bucket()).isEqualTo("fedcba9876543210fedcba9876543210");
    assertThat(miner.location().endpoint().toString()).isEqualTo("https://fedcba9876543210fedcba9876543210.r2.cloudflarestorage.com");
    assertThat(miner.readCredentials()).isEqualTo(AccessKey.of("minerreadkey", "miner-read-secret"));
    assertThat(miner.writeCredentials()).isEqualTo(miner.readCredentials());
    assertThat(miner.readFallsBackToWrite()).isFalse();
  }
}
