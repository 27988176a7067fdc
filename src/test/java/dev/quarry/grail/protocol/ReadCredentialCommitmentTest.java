package dev.quarry.grail.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadCredentialCommitmentTest {

  private static final JsonNode VECTORS = Vectors.load("read_credentials.json");

  @Test
  void buildsTheReferenceString() {
    for (JsonNode testCase : VECTORS.get("builds")) {
      ReadCredentialCommitment commitment = ReadCredentialCommitment.of(
          testCase.get("account_id").asText(),
          testCase.get("read_access_key_id").asText(),
          testCase.get("read_secret_access_key").asText());
      assertThat(commitment.text()).hasSize(128).isEqualTo(testCase.get("commitment").asText());
      assertThat(commitment.bytes()).hasSize(128);
      assertThat(ReadCredentialCommitment.parse(commitment.bytes())).contains(commitment);
    }
  }

  @Test
  void parsesLikeTheValidatorsCommitmentReader() {
    for (JsonNode testCase : VECTORS.get("parses")) {
      Optional<ReadCredentialCommitment> parsed = ReadCredentialCommitment.parse(Vectors.hex(testCase.get("raw_hex").asText()));
      assertThat(parsed.isPresent()).as(testCase.get("raw_hex").asText()).isEqualTo(testCase.get("accepted").asBoolean());
      parsed.ifPresent(commitment -> {
        assertThat(commitment.accountId()).isEqualTo(testCase.get("account_id").asText());
        assertThat(commitment.bucketName()).isEqualTo(testCase.get("bucket_name").asText());
        assertThat(commitment.accessKeyId()).isEqualTo(testCase.get("access_key_id").asText());
        assertThat(commitment.secretAccessKey()).isEqualTo(testCase.get("secret_access_key").asText());
      });
    }
  }

  @Test
  void neverShowsTheSecret() {
    String secret = "S3CR3T-value-that-must-not-leak";
    ReadCredentialCommitment commitment = ReadCredentialCommitment.of("account", "key-id", secret);
    assertThat(commitment.toString()).doesNotContain(secret).contains("redacted");
    assertThatThrownBy(() -> ReadCredentialCommitment.of("account", "key", secret + "\u00e9"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(error -> assertThat(error.getMessage()).doesNotContain(secret).contains("secret"));
    assertThatThrownBy(() -> ReadCredentialCommitment.of("account", "key", "x".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(error -> assertThat(error.getMessage()).doesNotContain("x".repeat(65)).contains("64"));
  }

  @Test
  void theFieldsFillTheCommitmentAndExplainTheirLimitsWithoutQuotingValues() {
    int total = 0;
    for (ReadCredentialCommitment.Field field : ReadCredentialCommitment.Field.values()) {
      total += field.width();
      assertThat(field.problemWith("a".repeat(field.width()))).isEmpty();
      assertThat(field.problemWith(" " + "a".repeat(field.width()) + "\n")).isEmpty(); // stripped, as the reference strips
      assertThat(field.problemWith("b".repeat(field.width() + 1))).get().asString()
          .startsWith("has " + (field.width() + 1) + " characters; at most " + field.width()).doesNotContain("bbb");
      assertThat(field.problemWith("\u2003")).get().asString().startsWith("is empty");
      assertThat(field.problemWith("ab\tc")).get().asString().contains("non-printable");
    }
    assertThat(total).isEqualTo(ReadCredentialCommitment.LENGTH);
  }

  @Test
  void refusesCredentialsTheReferenceWouldTruncateOrCannotEncode() {
    assertThatThrownBy(() -> ReadCredentialCommitment.of("a".repeat(33), "k", "s")).hasMessageContaining("32");
    assertThatThrownBy(() -> ReadCredentialCommitment.of("  ", "k", "s")).hasMessageContaining("empty");
    assertThatThrownBy(() -> ReadCredentialCommitment.of("a", "k\u00e9", "s")).hasMessageContaining("ASCII");
  }
}
