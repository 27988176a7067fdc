package dev.quarry.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.chain.ChainException;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import dev.quarry.grail.protocol.ReadCredentialCommitment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a local run records of its chain, and what the validator reads back. */
class ChainSnapshotTest {

  @TempDir Path directory;

  @Test
  void recordsWindowStartsNeuronsAndCommitmentsAndAppends() throws Exception {
    Keypair alice = SecretUri.dev("Alice");
    Keypair bob = SecretUri.dev("Bob");
    Path file = ChainSnapshot.file(directory);
    try (LocalChain chain = LocalChain.start(new LocalChain.Config(3, Duration.ofSeconds(12),
        Instant.parse("2030-01-01T00:00:00Z"), false, 50, 64))) {
      chain.register(81, alice.accountId(), bob.accountId(), 1).toCompletableFuture().join();
      chain.register(81, bob.accountId(), bob.accountId(), 1).toCompletableFuture().join();
      ReadCredentialCommitment credentials = ReadCredentialCommitment.of("a1".repeat(16), "key", "secret");
      chain.putCommitment(81, alice.accountId(), credentials.bytes()).toCompletableFuture().join();
      chain.putCommitment(81, bob.accountId(), "not a credential".getBytes()).toCompletableFuture().join();
      chain.advance(65).toCompletableFuture().join();

      ChainSnapshot first = ChainSnapshot.record(file, chain, 81, 30, 0, Duration.ofSeconds(10));
      assertThat(first.currentBlock()).isEqualTo(chain.headNumber());
      assertThat(first.blockHash(60).value()).isEqualTo(chain.blockHash(60).toCompletableFuture().join());
      assertThat(first.blockTimestamp(30)).isEqualTo(Instant.parse("2030-01-01T00:06:00Z"));
      assertThatThrownBy(() -> first.blockHash(61)).isInstanceOf(ChainException.class)
          .hasMessageContaining("block 61 is not in the chain snapshot (it records window starts 0..60)");

      chain.advance(30).toCompletableFuture().join();
      ChainSnapshot.record(file, chain, 81, 30, 0, Duration.ofSeconds(10));
    }
    ChainSnapshot read = ChainSnapshot.read(file);
    assertThat(read.blockHash(90)).isNotNull();
    assertThat(read.neurons()).extracting(ChainView.Neuron::hotkey).containsExactly(alice.ss58Address(), bob.ss58Address());
    assertThat(read.readCredentials()).containsOnlyKeys(alice.ss58Address());
    assertThat(read.readCredentials().get(alice.ss58Address()).accountId()).isEqualTo("a1".repeat(16));
    assertThat(Files.readString(file)).contains("\"format\" : \"quarry-chain-snapshot/1\"");
  }

  @Test
  void aMissingOrForeignFileIsExplained() throws Exception {
    assertThatThrownBy(() -> ChainSnapshot.read(directory.resolve("absent.json")))
        .hasMessageContaining("no chain snapshot");
    Path foreign = directory.resolve("foreign.json");
    Files.writeString(foreign, "{\"format\": \"other\"}");
    assertThatThrownBy(() -> ChainSnapshot.read(foreign)).hasMessage(foreign + " is not a chain snapshot (format must be "
        + "quarry-chain-snapshot/1)");
  }
}
