package dev.quarry.chain.drand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuicknetVerifierTest {

  @Test
  void constantsMatchThePublishedChainInfo() {
    JsonNode chain = RecordedBeacons.document().get("chain");
    assertThat(Quicknet.CHAIN_HASH).isEqualTo(chain.get("hash").asText());
    assertThat(Quicknet.PUBLIC_KEY).isEqualTo(chain.get("public_key").asText());
    assertThat(Quicknet.GENESIS_UNIX_SECONDS).isEqualTo(chain.get("genesis_time").asLong());
    assertThat(Quicknet.PERIOD_SECONDS).isEqualTo(chain.get("period").asLong());
    assertThat(Quicknet.SCHEME).isEqualTo(chain.get("scheme").asText());
  }

  @Test
  void everyRecordedBeaconVerifies() throws InvalidBeaconException {
    List<RecordedBeacons.Recorded> recorded = RecordedBeacons.all();
    assertThat(recorded).hasSizeGreaterThanOrEqualTo(8);
    for (RecordedBeacons.Recorded beacon : recorded) {
      DrandBeacon verified = QuicknetVerifier.verify(beacon.round(), beacon.signature(), beacon.randomness());
      assertThat(verified.round()).isEqualTo(beacon.round());
      assertThat(verified.randomness()).isEqualTo(beacon.randomness());
      assertThat(verified.signatureHex()).isEqualTo(beacon.signature());
      // v2 answers carry no randomness; it is derived from the signature.
      assertThat(QuicknetVerifier.verify(beacon.round(), beacon.signature(), null).randomness()).isEqualTo(beacon.randomness());
    }
  }

  @Test
  void aSignatureForAnotherRoundFails() {
    RecordedBeacons.Recorded two = RecordedBeacons.round(2);
    assertThatThrownBy(() -> QuicknetVerifier.verify(3, two.signature(), null))
        .isInstanceOf(InvalidBeaconException.class)
        .hasMessageContaining("does not verify for round 3");
  }

  @Test
  void aTamperedSignatureFails() {
    RecordedBeacons.Recorded beacon = RecordedBeacons.round(30662990);
    byte[] signature = HexFormat.of().parseHex(beacon.signature());
    signature[20] ^= 0x01;
    String tampered = HexFormat.of().formatHex(signature);
    assertThatThrownBy(() -> QuicknetVerifier.verify(beacon.round(), tampered, null))
        .isInstanceOf(InvalidBeaconException.class);
    // Swapping in another real signature for this round fails too.
    assertThatThrownBy(() -> QuicknetVerifier.verify(beacon.round(), RecordedBeacons.round(30662992).signature(), null))
        .isInstanceOf(InvalidBeaconException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void randomnessThatIsNotTheSignaturesHashFails() {
    RecordedBeacons.Recorded beacon = RecordedBeacons.round(1);
    assertThatThrownBy(() -> QuicknetVerifier.verify(1, beacon.signature(), RecordedBeacons.round(2).randomness()))
        .isInstanceOf(InvalidBeaconException.class)
        .hasMessageContaining("randomness is not sha256(signature)");
  }

  @Test
  void malformedSignaturesFail() {
    assertThatThrownBy(() -> QuicknetVerifier.verify(2, "zz", null)).hasMessageContaining("not hex");
    assertThatThrownBy(() -> QuicknetVerifier.verify(2, "abcd", null)).hasMessageContaining("2 bytes");
    assertThatThrownBy(() -> QuicknetVerifier.verify(2, "ff".repeat(48), null)).isInstanceOf(InvalidBeaconException.class);
    // The point at infinity is a valid encoding and in the group, and must still not verify.
    assertThatThrownBy(() -> QuicknetVerifier.verify(2, "c0" + "00".repeat(47), null)).isInstanceOf(InvalidBeaconException.class);
    assertThatThrownBy(() -> QuicknetVerifier.verify(0, RecordedBeacons.round(1).signature(), null)).hasMessageContaining("rounds start at 1");
  }

  @Test
  void roundsFollowTheClock() {
    assertThat(Quicknet.roundAt(Instant.ofEpochSecond(Quicknet.GENESIS_UNIX_SECONDS))).isEqualTo(1);
    assertThat(Quicknet.roundAt(Instant.ofEpochSecond(Quicknet.GENESIS_UNIX_SECONDS + 2))).isEqualTo(1);
    assertThat(Quicknet.roundAt(Instant.ofEpochSecond(Quicknet.GENESIS_UNIX_SECONDS + 3))).isEqualTo(2);
    assertThat(Quicknet.roundAt(Instant.ofEpochSecond(Quicknet.GENESIS_UNIX_SECONDS - 1))).isZero();
    assertThat(Quicknet.roundAt(Quicknet.timeOf(30663002))).isEqualTo(30663002);
  }
}
