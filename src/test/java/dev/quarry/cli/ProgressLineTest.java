package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.http.MinerPhase;
import dev.quarry.http.MinerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  @Test
  void theProgressLineSaysWhereTheWindowIs() {
    MinerStatus status = new MinerStatus(Instant.parse("2026-11-22T10:15:30Z"), "0.1.0", "5Grw", 81, MinerPhase.GENERATING, 60L, 30L,
        70L, 9, 5, 4, 64, 2560, 850.4, null, List.of(),
        new MinerStatus.UploadStatus(30, "k", 38194, 64, Instant.parse("2026-11-22T10:15:00Z"), 35, true, null), null,
        Map.of("deadline", 1));
    assertThat(ProgressLine.render(status))
        .isEqualTo("window 60 | generating | 4 groups, 64 rollouts, 1 dropped | 850 tok/s | 9 blocks to deadline | last upload 30 ok");
    MinerStatus starting = MinerStatus.starting("0.1.0", 81, Instant.now());
    assertThat(ProgressLine.render(starting)).isEqualTo("window - | starting | 0 groups, 0 rollouts | 0 tok/s");
  }
}
