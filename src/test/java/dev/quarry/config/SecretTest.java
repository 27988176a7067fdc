package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SecretTest {

  private static final String VALUE = "s3cr3t-value-that-must-not-leak";

  record Holder(String name, Secret secret) {}

  @Test
  void printsRedactedEverywhere() throws Exception {
    Secret secret = Secret.of(VALUE);
    assertThat(secret.toString()).isEqualTo(Secret.REDACTED);
    assertThat(String.valueOf(secret)).doesNotContain(VALUE);
    assertThat("key=" + secret).isEqualTo("key=" + Secret.REDACTED);
    assertThat(new Holder("write", secret).toString()).doesNotContain(VALUE).contains(Secret.REDACTED);
    assertThat(new ObjectMapper().writeValueAsString(new Holder("write", secret)))
        .isEqualTo("{\"name\":\"write\",\"secret\":\"" + Secret.REDACTED + "\"}");
  }

  @Test
  void revealsOnlyOnRequest() {
    Secret secret = Secret.of(VALUE);
    assertThat(secret.reveal()).isEqualTo(VALUE);
    assertThat(secret.length()).isEqualTo(VALUE.length());
    assertThat(secret.isEmpty()).isFalse();
    assertThat(Secret.of("").isEmpty()).isTrue();
  }

  @Test
  void comparesByValueWithoutAValueDependentHash() {
    assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).isNotEqualTo(Secret.of("b"));
    assertThat(Secret.of("a").hashCode()).isEqualTo(Secret.of("b").hashCode());
  }

  @Test
  void isNotJavaSerializable() {
    assertThat(java.io.Serializable.class.isAssignableFrom(Secret.class)).isFalse();
  }
}
