package dev.quarry.chain.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.chain.BlockHead;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.ChainException.Kind;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.Inclusion;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.chain.subtensor.Era;
import dev.quarry.chain.subtensor.Extrinsics;
import dev.quarry.chain.subtensor.SubtensorCalls;
import dev.quarry.chain.subtensor.TransactionParams;
import dev.quarry.crypto.Hex;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-process chain: determinism, timing, and the signed-operation path with subtensor's rules. */
class LocalChainTest {

  private static final Keypair HOTKEY = SecretUri.toKeypair("//Quarry//miner");
  private static final Keypair COLDKEY = SecretUri.toKeypair("//Quarry");

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ChainException failure(CompletionStage<?> stage) throws Exception {
    try {
      await(stage);
    } catch (ExecutionException e) {
      return (ChainException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  private static List<String> hashes(LocalChain chain, int blocks) throws Exception {
    List<String> hashes = new ArrayList<>();
    for (long number = 0; number <= blocks; number++) {
      hashes.add(await(chain.blockHash(number)));
    }
    return hashes;
  }

  @Test
  void blocksAreDeterministicFromTheSeedAndOperations() throws Exception {
    LocalChain.Config config = LocalChain.Config.defaults().withSeed(81).manual();
    List<List<String>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (LocalChain chain = LocalChain.start(config)) {
        await(chain.register(81, HOTKEY.accountId(), COLDKEY.accountId(), 1_000_000_000L));
        await(chain.advance(3));
        runs.add(hashes(chain, 3));
        assertThat(await(chain.blockTimestamp(3))).isEqualTo(Instant.parse("2025-01-01T00:00:36Z"));
      }
    }
    assertThat(runs.get(0)).isEqualTo(runs.get(1)).allMatch(hash -> hash.matches("0x[0-9a-f]{64}")).doesNotHaveDuplicates();
    try (LocalChain other = LocalChain.start(config.withSeed(82))) {
      await(other.advance(3));
      assertThat(hashes(other, 3)).doesNotContainAnyElementsOf(runs.get(0));
      assertThat(await(other.identity()).genesisHash()).isEqualTo(hashes(other, 0).get(0));
      assertThat(failure(other.blockHash(4)).getMessage()).contains("does not exist yet");
    }
  }

  @Test
  void producesBlocksOnATimerAndDeliversEveryOneInOrder() throws Exception {
    try (LocalChain chain = LocalChain.start(LocalChain.Config.defaults().withBlockTime(Duration.ofMillis(200)))) {
      List<BlockHead> heads = new CopyOnWriteArrayList<>();
      chain.subscribeHeads(heads::add);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (heads.size() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(heads.size()).isGreaterThanOrEqualTo(4);
      for (int i = 1; i < heads.size(); i++) {
        assertThat(heads.get(i).number()).isEqualTo(heads.get(i - 1).number() + 1);
        assertThat(heads.get(i).parentHash()).isEqualTo(heads.get(i - 1).hash());
      }
      assertThat(heads.get(0).hash()).isEqualTo(await(chain.blockHash(heads.get(0).number())));
    }
  }

  @Test
  void commitmentsGoThroughTheSignedPathAndNeedRegistration() throws Exception {
    try (LocalChain chain = LocalChain.start(LocalChain.Config.defaults().withSeed(1).manual())) {
      byte[] credentials = "c".repeat(128).getBytes(StandardCharsets.US_ASCII);
      ChainException notRegistered = failure(chain.setCommitment(HOTKEY, 81, credentials));
      assertThat(notRegistered.kind()).isEqualTo(Kind.REJECTED);
      assertThat(notRegistered.getMessage()).contains("hotkey is not registered on this subnet (subtensor custom error 10)");

      assertThat(await(chain.register(81, HOTKEY.accountId(), COLDKEY.accountId(), 5_000_000_000L))).isZero();
      assertThat(await(chain.register(81, SecretUri.dev("Bob").accountId(), COLDKEY.accountId(), 0, true))).isEqualTo(1);
      assertThat(await(chain.uid(81, HOTKEY.accountId()))).hasValue(0);
      var inclusion = chain.setCommitment(HOTKEY, 81, credentials).toCompletableFuture();
      Thread.sleep(50);
      assertThat(inclusion).isNotDone(); // waits for the next block
      BlockHead block = await(chain.advance(1));
      Inclusion included = await(inclusion);
      assertThat(included.blockNumber()).isEqualTo(block.number());
      assertThat(included.blockHash()).isEqualTo(block.hash());
      Commitment commitment = await(chain.commitment(81, HOTKEY.accountId())).orElseThrow();
      assertThat(commitment.text()).isEqualTo("c".repeat(128));
      assertThat(commitment.block()).isEqualTo(block.number());
      assertThat(await(chain.commitments(81))).containsOnlyKeys(HOTKEY.accountId());
      assertThat(chain.appliedExtrinsics()).singleElement().satisfies(applied -> {
        assertThat(applied.signer()).isEqualTo(HOTKEY.accountId());
        assertThat(applied.call()).isEqualTo("Commitments.set_commitment");
        assertThat(applied.extrinsicHash()).isEqualTo(included.extrinsicHash());
      });
      List<NeuronInfo> neurons = await(chain.neurons(81));
      assertThat(neurons).extracting(NeuronInfo::uid).containsExactly(0, 1);
      assertThat(neurons.get(0).stake()).isEqualTo(5_000_000_000L);
      assertThat(neurons).extracting(NeuronInfo::validatorPermit).containsExactly(false, true);
    }
  }

  @Test
  void servingFollowsSubtensorRules() throws Exception {
    try (LocalChain chain = LocalChain.start(LocalChain.Config.defaults().withSeed(2).manual())) {
      await(chain.register(56, HOTKEY.accountId(), COLDKEY.accountId(), 0));
      await(chain.advance(1));
      var first = chain.serveAxon(HOTKEY, 56, InetAddress.getByName("203.0.113.9"), 8091, 4, 1002003);
      await(chain.advance(1));
      assertThat(await(first).blockNumber()).isEqualTo(2);
      NeuronInfo served = await(chain.neurons(56)).get(0);
      assertThat(served.axon().endpoint()).isEqualTo("203.0.113.9:8091");
      assertThat(served.axon().version()).isEqualTo(1002003);
      assertThat(served.axon().block()).isEqualTo(2);

      ChainException rateLimited = failure(chain.serveAxon(HOTKEY, 56, InetAddress.getByName("203.0.113.9"), 8092, 4, 1));
      assertThat(rateLimited.getMessage()).isEqualTo("transaction rejected: serving rate limit exceeded (subtensor custom error 12)");
      ChainException loopback = failure(chain.serveAxon(HOTKEY, 56, InetAddress.getByName("127.0.0.1"), 8092, 4, 1));
      assertThat(loopback.getMessage()).contains("custom error 11");
      await(chain.advance(50));
      var later = chain.serveAxon(HOTKEY, 56, InetAddress.getByName("2001:db8::5"), 8092, 4, 1);
      await(chain.advance(1));
      await(later);
      assertThat(await(chain.neurons(56)).get(0).axon().endpoint()).isEqualTo("[2001:db8:0:0:0:0:0:5]:8092");
    }
  }

  @Test
  void forgedReplayedAndMisnumberedExtrinsicsAreRejected() throws Exception {
    try (LocalChain chain = LocalChain.start(LocalChain.Config.defaults().withSeed(3).manual())) {
      await(chain.register(81, HOTKEY.accountId(), COLDKEY.accountId(), 0));
      await(chain.advance(2));
      byte[] genesis = Hex.decode(await(chain.identity()).genesisHash());
      Era era = Era.mortal(2, 64);
      byte[] birth = Hex.decode(await(chain.blockHash(era.birth(2))));
      byte[] call = SubtensorCalls.setCommitment(81, List.of("x".getBytes(StandardCharsets.US_ASCII)));
      TransactionParams params = new TransactionParams(era, 0, 0, LocalChain.SPEC_VERSION, LocalChain.TRANSACTION_VERSION, genesis, birth, null);
      byte[] good = Extrinsics.signed(call, HOTKEY, params);

      byte[] forged = good.clone();
      forged[forged.length - 1] ^= 0x01; // change the committed byte after signing
      assertThat(failure(chain.submitExtrinsic(forged)).getMessage()).contains("bad signature");
      byte[] otherKey = Extrinsics.signed(call, HOTKEY.accountId(), message -> SecretUri.dev("Eve").sign(message), params);
      assertThat(failure(chain.submitExtrinsic(otherKey)).getMessage()).contains("bad signature");
      byte[] wrongGenesis = Extrinsics.signed(call, HOTKEY, new TransactionParams(era, 0, 0, 1, 1, new byte[32], birth, null));
      assertThat(failure(chain.submitExtrinsic(wrongGenesis)).getMessage()).contains("bad signature");
      byte[] future = Extrinsics.signed(call, HOTKEY, new TransactionParams(era, 5, 0, 1, 1, genesis, birth, null));
      assertThat(failure(chain.submitExtrinsic(future)).getMessage()).contains("in the future");

      var accepted = chain.submitExtrinsic(good);
      await(chain.advance(1));
      await(accepted);
      assertThat(failure(chain.submitExtrinsic(good)).getMessage()).contains("already used");
      assertThat(failure(chain.submitExtrinsic(new byte[] {4, 1, 2})).getMessage()).contains("could not decode");
    }
  }

  @Test
  void closingFailsPendingAndLaterCalls() throws Exception {
    LocalChain chain = LocalChain.start(LocalChain.Config.defaults().manual());
    await(chain.register(81, HOTKEY.accountId(), COLDKEY.accountId(), 0));
    var pending = chain.setCommitment(HOTKEY, 81, new byte[] {1});
    Thread.sleep(50);
    chain.close();
    assertThat(failure(pending).kind()).isEqualTo(Kind.CLOSED);
    assertThat(failure(chain.currentBlock()).kind()).isEqualTo(Kind.CLOSED);
    chain.close();
  }
}
