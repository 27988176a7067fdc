package dev.quarry.storage.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

  @Test
  void dualCredentialsWithTheR2Endpoint() {
    ObjectStoreSettings settings = ObjectStoreSettings.fromEnvironment(dual());
    assertThat(settings.location().endpoint()).isEqualTo(URI.create("https://" + ACCOUNT + ".r2.cloudflarestorage.com"));
    assertThat(settings.location().region()).isEqualTo("us-east-1");
    assertThat(settings.location().pathStyle()).isFalse();
    assertThat(settings.readFallsBackToWrite()).isFalse();
    assertThat(settings.readCredentials().secretAccessKey()).isEqualTo(READ_SECRET);
    assertThat(settings.writeCredentials().secretAccessKey()).isEqualTo(WRITE_SECRET);
    assertThat(settings.transfer().attemptTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.transfer().multipartThreshold()).isEqualTo(50L * 1024 * 1024);
  }

  @Test
  void theReadCommitmentIs128CharactersOfAccountKeyIdAndSecret() {
    Map<String, String> environment = dual();
    environment.put("R2_READ_SECRET_ACCESS_KEY", "short-secret");
    String commitment = ObjectStoreSettings.fromEnvironment(environment).readCommitment();
    assertThat(commitment).hasSize(128);
    assertThat(commitment.substring(0, 32)).isEqualTo(ACCOUNT);
    assertThat(commitment.substring(32, 64)).isEqualTo("readkeyid00000000000000000000001");
    assertThat(commitment.substring(64)).isEqualTo("short-secret" + " ".repeat(52));
  }

  @Test
  void secretsNeverAppearInToString() {
    String text = ObjectStoreSettings.fromEnvironment(dual()).toString();
    assertThat(text).doesNotContain(WRITE_SECRET).doesNotContain(READ_SECRET)
        .doesNotContain("writekeyid0000000000000000000001").contains("<redacted>").contains(ACCOUNT);
  }

  @Test
  void withoutReadKeysTheWriteKeysAreUsedForReading() {
    Map<String, String> environment = dual();
    environment.remove("R2_READ_ACCESS_KEY_ID");
    environment.remove("R2_READ_SECRET_ACCESS_KEY");
    ObjectStoreSettings settings = ObjectStoreSettings.fromEnvironment(environment);
    assertThat(settings.readFallsBackToWrite()).isTrue();
    assertThat(settings.readCredentials()).isEqualTo(settings.writeCredentials());
  }

  @Test
  void halfSetReadKeysAreAnError() {
    Map<String, String> environment = dual();
    environment.remove("R2_READ_SECRET_ACCESS_KEY");
    assertThatThrownBy(() -> ObjectStoreSettings.fromEnvironment(environment))
        .isInstanceOf(InvalidStorageSettingsException.class)
        .hasMessageContaining("R2_READ_ACCESS_KEY_ID is set but R2_READ_SECRET_ACCESS_KEY is not");
  }

  @Test
  void theBucketMustBeNamedAfterTheAccount() {
    Map<String, String> environment = dual();
    environment.put("R2_BUCKET_ID", "my-grail-bucket");
    assertThatThrownBy(() -> ObjectStoreSettings.fromEnvironment(environment))
        .isInstanceOf(InvalidStorageSettingsException.class)
        .hasMessageStartingWith("R2_BUCKET_ID must equal R2_ACCOUNT_ID (R2_BUCKET_ID='my-grail-bucket', R2_ACCOUNT_ID='"
            + ACCOUNT + "')")
        .hasMessageNotContaining(WRITE_SECRET);
  }

  @Test
  void missingVariablesAreNamed() {
    Map<String, String> environment = dual();
    environment.remove("R2_ACCOUNT_ID");
    assertThatThrownBy(() -> ObjectStoreSettings.fromEnvironment(environment))
        .hasMessageStartingWith("R2_ACCOUNT_ID is not set");
    Map<String, String> noWrite = dual();
    noWrite.remove("R2_WRITE_SECRET_ACCESS_KEY");
    assertThatThrownBy(() -> ObjectStoreSettings.fromEnvironment(noWrite))
        .hasMessageContaining("R2_WRITE_ACCESS_KEY_ID and R2_WRITE_SECRET_ACCESS_KEY must both be set");
  }

  @Test
  void readKeysMustFitTheOnChainCommitment() {
    Map<String, String> environment = dual();
    environment.put("R2_READ_SECRET_ACCESS_KEY", "s".repeat(65));
    assertThatThrownBy(() -> ObjectStoreSettings.fromEnvironment(environment))
        .hasMessageContaining("at most 64").hasMessageNotContaining("s".repeat(65));
  }

  @Test
  void endpointOverrideRegionPathStyleAndTimeout() {
    Map<String, String> environment = dual();
    environment.put("R2_ENDPOINT_URL", "http://127.0.0.1:9000");
    environment.put("R2_REGION", "auto");
    environment.put("R2_FORCE_PATH_STYLE", "Yes");
    environment.put("UPLOAD_TIMEOUT", "12.5");
    ObjectStoreSettings settings = ObjectStoreSettings.fromEnvironment(environment);
    assertThat(settings.location().endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(settings.location().region()).isEqualTo("auto");
    assertThat(settings.location().pathStyle()).isTrue();
    assertThat(settings.transfer().attemptTimeout()).isEqualTo(Duration.ofMillis(12_500));
    // another account's bucket is reached through the same override
    ObjectStoreSettings trainer = settings.forReadingAccount("fedcba9876543210fedcba9876543210",
        new AccessCredentials("trainerreadkey", "trainer-secret"));
    assertThat(trainer.location().bucket()).isEqualTo("fedcba9876543210fedcba9876543210");
    assertThat(trainer.location().endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    ObjectStoreSettings r2 = ObjectStoreSettings.fromEnvironment(dual()).forReadingAccount("fedcba9876543210fedcba9876543210",
        new AccessCredentials("trainerreadkey", "trainer-secret"));
    assertThat(r2.location().endpoint().toString()).isEqualTo("https://fedcba9876543210fedcba9876543210.r2.cloudflarestorage.com");

    environment.put("R2_ENDPOINT_URL", "localhost:9000");
    assertThatThrownBy(() -> ObjectStoreSettings.fromEnvironment(environment)).hasMessageContaining("R2_ENDPOINT_URL");
    environment.put("R2_ENDPOINT_URL", "http://127.0.0.1:9000");
    environment.put("UPLOAD_TIMEOUT", "soon");
    assertThatThrownBy(() -> ObjectStoreSettings.fromEnvironment(environment)).hasMessageContaining("UPLOAD_TIMEOUT");
  }
}
