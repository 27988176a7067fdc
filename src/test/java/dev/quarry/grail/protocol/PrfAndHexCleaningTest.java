package dev.quarry.grail.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.crypto.Hex;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class PrfAndHexCleaningTest {

  private static final JsonNode VECTORS = Vectors.load("prf.json");

  @Test
  void prfMatchesTheReferenceForEveryLabelPartsAndLength() throws Exception {
    int count = 0;
    for (JsonNode testCase : VECTORS.get("cases")) {
      byte[] label = Vectors.hex(testCase.get("label_hex").asText());
      JsonNode partsNode = testCase.get("parts_hex");
      byte[][] parts = new byte[partsNode.size()][];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = Vectors.hex(partsNode.get(i).asText());
      }
      byte[] output = Prf.derive(label, testCase.get("out_bytes").asInt(), parts);
      if (testCase.has("output_sha256")) {
        assertThat(Hex.encode(MessageDigest.getInstance("SHA-256").digest(output)))
            .isEqualTo(testCase.get("output_sha256").asText());
      } else {
        assertThat(Hex.encode(output)).as(testCase.toString()).isEqualTo(testCase.get("output_hex").asText());
      }
      count++;
    }
    assertThat(count).isGreaterThan(250);
  }

  @Test
  void prfRejectsTheLengthsTheReferenceRejects() {
    for (JsonNode testCase : VECTORS.get("errors")) {
      int outBytes = testCase.get("out_bytes").asInt();
      assertThat(testCase.get("error").asBoolean()).isTrue();
      assertThatThrownBy(() -> Prf.derive(Prf.LABEL_SKETCH, outBytes, new byte[] {'a'}))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void hexCleaningAgreesWithTheReferenceOnOddInputs() {
    int[] tokens = {1, 2, 3};
    byte[] commitmentsHash = Commitments.hash(new long[] {1});
    for (JsonNode testCase : VECTORS.get("hex_cases")) {
      String input = testCase.get("input").asText();
      if (testCase.get("error").asBoolean()) {
        assertThatThrownBy(() -> CommitBinding.digest(tokens, input, "m", -1, commitmentsHash))
            .as("'%s'", input)
            .isInstanceOf(IllegalArgumentException.class);
      } else {
        assertThat(Hex.encode(CommitBinding.digest(tokens, input, "m", -1, commitmentsHash)))
            .as("'%s'", input)
            .isEqualTo(testCase.get("binding_digest").asText());
      }
    }
  }

  @Test
  void cleaningRemovesEveryPrefixOccurrenceButOnlyOnePass() {
    assertThat(HexCleaning.cleanText(" 0xab0Xcd\n")).isEqualTo("abcd");
    assertThat(HexCleaning.cleanText("abc")).isEqualTo("0abc");
    // "00xx11" loses its one "0x" and leaves "0x11", which bytes.fromhex rejects.
    assertThat(HexCleaning.cleanText("00xx11")).isEqualTo("0x11");
    assertThatThrownBy(() -> HexCleaning.toBytes("00xx11")).isInstanceOf(IllegalArgumentException.class);
    assertThat(HexCleaning.fromHex("ab cd\tef")).containsExactly(0xab, 0xcd, 0xef);
  }
}
