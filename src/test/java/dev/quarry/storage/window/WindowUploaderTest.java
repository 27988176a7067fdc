package dev.quarry.storage.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.storage.EmbeddedS3Fixture;
import dev.quarry.storage.objectstore.ObjectStore;
import dev.quarry.storage.objectstore.ObjectStoreException;
import dev.quarry.storage.objectstore.ObjectStoreSettings;
import dev.quarry.storage.objectstore.RetryPolicy;
import dev.quarry.storage.objectstore.TransferSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A miner's window upload through the embedded S3 server, across an outage and a restart. */
class WindowUploaderTest {

  @TempDir Path serverDirectory;
  @TempDir Path spool;

  @Test
  void uploadsOnceSurvivesAnOutageAndNeverUploadsTwice() throws Exception {
    WindowFile window = WindowFixtures.sampleWindow(1);
    String key = WindowFiles.key(window.wallet(), window.windowStart());
    ObjectStoreSettings settings;
    try (EmbeddedS3Fixture s3 = EmbeddedS3Fixture.start(serverDirectory)) {
      settings = s3.newBucketSettings();
      try (ObjectStore bucket = ObjectStore.open(settings, ObjectStore.Access.WRITE)) {
        WindowUploader.Result first = new WindowUploader(bucket, spool).upload(window);
        assertThat(first.outcome()).isEqualTo(WindowUploader.Outcome.UPLOADED);
        assertThat(first.key()).isEqualTo(key);
        assertThat(WindowFileReader.read(bucket.get(key))).isEqualTo(window);
        // the same window again, even from a fresh uploader (a restarted miner), is not sent
        WindowUploader.Result again = new WindowUploader(bucket, spool).upload(window);
        assertThat(again.outcome()).isEqualTo(WindowUploader.Outcome.ALREADY_UPLOADED);
        assertThat(bucket.head(key).orElseThrow().lastModified()).isEqualTo(first.stored().lastModified());
        // a window already in the bucket but unknown locally is not overwritten either
        WindowUploader.Result elsewhere = new WindowUploader(bucket, spool.resolve("other")).upload(window);
        assertThat(elsewhere.outcome()).isEqualTo(WindowUploader.Outcome.ALREADY_UPLOADED);
      }
    }
    // the server is gone: the next window fails after retries but stays on disk
    WindowFile next = new WindowFile(window.wallet(), window.windowStart() + 30, 30, window.timestamp() + 360, window.rows());
    ObjectStoreSettings down = settings.withTransfer(TransferSettings.defaults().withRetry(RetryPolicy.fast(2)));
    try (ObjectStore bucket = ObjectStore.open(down, ObjectStore.Access.WRITE)) {
      WindowUploader uploader = new WindowUploader(bucket, spool);
      assertThatThrownBy(() -> uploader.upload(next)).isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("failed after 2 attempts");
      assertThat(uploader.pending()).hasSize(1);
      assertThat(WindowFileReader.read(Files.readAllBytes(uploader.pending().get(0)))).isEqualTo(next);
    }
    // the server is back (same data directory): the spooled file goes up
    try (EmbeddedS3Fixture s3 = EmbeddedS3Fixture.start(serverDirectory);
        ObjectStore bucket = ObjectStore.open(s3.server().settings(settings.location().bucket()), ObjectStore.Access.WRITE)) {
      WindowUploader uploader = new WindowUploader(bucket, spool);
      Path pending = uploader.pending().get(0);
      assertThat(uploader.retry(pending).outcome()).isEqualTo(WindowUploader.Outcome.UPLOADED);
      assertThat(uploader.pending()).isEmpty();
      assertThat(WindowFileReader.read(bucket.get(WindowFiles.key(next.wallet(), next.windowStart())))).isEqualTo(next);
      assertThat(uploader.forgetBefore(next.windowStart())).isEqualTo(1);
    }
  }
}
