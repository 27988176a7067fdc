package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.config.AccessKey;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreException;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import dev.quarry.storage.objectstore.RetryPolicy;
import dev.quarry.storage.objectstore.TransferSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded S3 server from the packaged distribution, whose lib/ holds only the trimmed S3Proxy
 * dependencies: real SigV4 round trips, and 403 for a wrong secret.
 */
class StorageServeIT {

  private static final AccessKey KEYS =
      AccessKey.of("launcherkey0000000000000000000001", "launcher-secret-00000000000000000000000000000000000001");

  @TempDir Path data;

  @Test
  void theDistributionServesS3WithSignatureChecks() throws Exception {
    Path launcher = Path.of(System.getProperty("quarry.distribution.dir", "target/quarry"), "bin", "quarry");
    ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "storage", "serve", "--data-dir", data.toString(),
        "--bucket", "local");
    builder.environment().put("R2_WRITE_ACCESS_KEY_ID", KEYS.accessKeyId());
    builder.environment().put("R2_WRITE_SECRET_ACCESS_KEY", KEYS.secretAccessKey().reveal());
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process server = builder.start();
    try {
      StringBuilder json = new StringBuilder();
      BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null) {
        json.append(line).append('\n');
        if (line.equals("}")) {
          break;
        }
      }
      JsonNode started = JsonOutput.mapper().readTree(json.toString());
      URI endpoint = URI.create(started.get("endpoint").asText());
      TransferSettings fast = TransferSettings.defaults().withRetry(RetryPolicy.fast(2));
      try (ObjectStore store = ObjectStore.open(ObjectStoreSettings.forEndpoint(endpoint, "local", KEYS).withTransfer(fast),
          ObjectStore.Access.WRITE)) {
        store.put("grail/windows/x-window-30.parquet", new byte[4096]);
        assertThat(store.get("grail/windows/x-window-30.parquet")).hasSize(4096);
      }
      assertThat(data.resolve("s3/local/grail/windows/x-window-30.parquet")).exists();
      AccessKey wrong = AccessKey.of(KEYS.accessKeyId(), "wrong-secret-000000000000000000000000000000000");
      try (ObjectStore store = ObjectStore.open(ObjectStoreSettings.forEndpoint(endpoint, "local", wrong).withTransfer(fast),
          ObjectStore.Access.READ)) {
        assertThatThrownBy(() -> store.get("grail/windows/x-window-30.parquet"))
            .isInstanceOf(ObjectStoreException.class).hasMessageContaining("403");
      }
    } finally {
      server.destroy();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
