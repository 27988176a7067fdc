package dev.quarry.chain.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The local chain answers commitments as of a past block, as an archive node does. */
class LocalChainHistoryTest {

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void commitmentsAtAPastBlockSeeOnlyWhatWasCommittedUpToIt() throws Exception {
    Keypair alice = SecretUri.dev("Alice");
    Keypair bob = SecretUri.dev("Bob");
    try (LocalChain chain = LocalChain.start(LocalChain.Config.defaults().manual())) {
      await(chain.register(5, alice.accountId(), alice.accountId(), 0));
      await(chain.register(5, bob.accountId(), bob.accountId(), 0));
      var first = chain.setCommitment(alice, 5, "first".getBytes(StandardCharsets.US_ASCII));
      await(chain.advance(1)); // block 1
      await(first);
      var second = chain.setCommitment(alice, 5, "second".getBytes(StandardCharsets.US_ASCII));
      var other = chain.setCommitment(bob, 5, "bob".getBytes(StandardCharsets.US_ASCII));
      await(chain.advance(2)); // blocks 2, 3: both land in block 2
      await(second);
      await(other);

      assertThat(await(chain.commitmentsAt(5, 0))).isEmpty();
      var atOne = await(chain.commitmentsAt(5, 1));
      assertThat(atOne).containsOnlyKeys(alice.accountId());
      assertThat(atOne.get(alice.accountId()).text()).isEqualTo("first");
      var atThree = await(chain.commitmentsAt(5, 3));
      assertThat(atThree.get(alice.accountId()).text()).isEqualTo("second");
      assertThat(atThree.get(bob.accountId()).text()).isEqualTo("bob");
      assertThat(await(chain.commitments(5))).isEqualTo(atThree);
      assertThatThrownBy(() -> await(chain.commitmentsAt(5, 4))).isInstanceOf(ExecutionException.class)
          .hasMessageContaining("does not exist yet");
    }
  }
}
