package dev.quarry.god;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.god.NonceCache.Outcome;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NonceCacheTest {

  private static final long NOW = 1_763_000_000_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(NOW);
  private final NonceCache cache = new NonceCache(clock::get, 1_000, 1_000);

  @Test
  void noncesAreReadLikePythonsInt() {
    assertThat(PythonInt.parse(" +17 ")).contains(BigInteger.valueOf(17));
    assertThat(PythonInt.parse("-0007")).contains(BigInteger.valueOf(-7));
    assertThat(PythonInt.parse("1_000")).contains(BigInteger.valueOf(1000));
    assertThat(PythonInt.parse("\u0663\u0664")).as("Arabic-Indic digits").contains(BigInteger.valueOf(34));
    for (String bad : new String[] {"", " ", "+", "1e9", "0x10", "1__0", "_1", "1_", "1.0", "١_", "²"}) {
      assertThat(PythonInt.parse(bad)).as("'%s'", bad).isEmpty();
    }
    assertThat(PythonInt.parse("9".repeat(4300))).isPresent();
    assertThat(PythonInt.parse("9".repeat(4301))).as("CPython's int max str digits").isEmpty();
  }

  @Test
  void malformedNoncesAreNotRemembered() {
    assertThat(cache.admit("abc_def").outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(cache.admit("100000000000000000001_x").outcome()).isEqualTo(Outcome.MALFORMED);
    assertThat(cache.size()).isZero();
    assertThat(cache.admit("100000000000000000000_x").outcome()).as("10**20 itself parses, then is too new").isEqualTo(Outcome.TOO_NEW);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void theWindowIsPlusMinus120SecondsInclusive() {
    assertThat(cache.admit((NOW - 120 * SECOND) + "_a").outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(cache.admit((NOW + 120 * SECOND) + "_b").outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(cache.admit((NOW - 120 * SECOND - 1) + "_c").outcome()).isEqualTo(Outcome.TOO_OLD);
    assertThat(cache.admit((NOW + 120 * SECOND + 1) + "_d").outcome()).isEqualTo(Outcome.TOO_NEW);
    assertThat(cache.admit((NOW - 120 * SECOND) + "_a").outcome()).isEqualTo(Outcome.REPLAYED);
  }

  @Test
  void entriesAreForgottenOnlyWhenTheyCannotBeReplayed() {
    String past = (NOW - 100 * SECOND) + "_past";
    String future = (NOW + 100 * SECOND) + "_future";
    assertThat(cache.admit(past).accepted()).isTrue();
    assertThat(cache.admit(future).accepted()).isTrue();
    assertThat(cache.confirm(past)).isTrue();
    assertThat(cache.confirm(future)).isTrue();
    assertThat(cache.confirm(future)).as("already confirmed").isFalse();
    clock.set(NOW + 121 * SECOND);
    assertThat(cache.size()).as("the future nonce is still inside its window").isEqualTo(1);
    assertThat(cache.admit(future).outcome()).isEqualTo(Outcome.REPLAYED);
    assertThat(cache.admit(past).outcome()).as("forgotten, and too old").isEqualTo(Outcome.TOO_OLD);
    clock.set(NOW + 221 * SECOND);
    assertThat(cache.admit(future).outcome()).isEqualTo(Outcome.TOO_OLD);
    clock.set(NOW + 400 * SECOND);
    assertThat(cache.size()).isZero();
  }

  @Test
  void aSignedTooNewNonceIsKeptUntilItsWindowEndsAndOthersOnlyForTheTtl() {
    String signed = (NOW + 200 * SECOND) + "_signed";
    String stranger = (NOW + 200 * SECOND) + "_stranger";
    NonceCache.Admission admission = cache.admit(signed);
    assertThat(admission.outcome()).isEqualTo(Outcome.TOO_NEW);
    assertThat(cache.confirm(signed)).isTrue();
    assertThat(cache.admit(stranger).outcome()).isEqualTo(Outcome.TOO_NEW);
    clock.set(NOW + 130 * SECOND);
    assertThat(cache.admit(signed).outcome()).isEqualTo(Outcome.REPLAYED);
    assertThat(cache.admit(stranger).outcome()).as("Fiber's TTL passed; the nonce was never accepted").isEqualTo(Outcome.ACCEPTED);
    clock.set(NOW + 321 * SECOND);
    assertThat(cache.admit(signed).outcome()).isEqualTo(Outcome.TOO_OLD);
  }

  @Test
  void aFloodOfUnsignedNoncesIsCappedAndCannotPushOutSignedOnes() {
    NonceCache small = new NonceCache(clock::get, 2, 3);
    String signed = NOW + "_signed";
    assertThat(small.admit(signed).accepted()).isTrue();
    assertThat(small.confirm(signed)).isTrue();
    for (int i = 0; i < 1_000; i++) {
      small.admit(NOW + "_junk" + i);
    }
    assertThat(small.size()).as("one signed and the three newest unsigned").isEqualTo(4);
    assertThat(small.admit(signed).outcome()).isEqualTo(Outcome.REPLAYED);
    assertThat(small.admit(NOW + "_junk999").outcome()).isEqualTo(Outcome.REPLAYED);
    assertThat(small.admit(NOW + "_junk0").outcome()).as("pushed out, never answered").isEqualTo(Outcome.ACCEPTED);
    // The confirmed cap: past it a signed request cannot be remembered, so it must be refused.
    assertThat(small.confirm(NOW + "_junk0")).isTrue();
    assertThat(small.admit(NOW + "_third").accepted()).isTrue();
    assertThat(small.confirm(NOW + "_third")).isFalse();
    clock.addAndGet(241 * SECOND);
    assertThat(small.size()).isZero();
  }

  @Test
  void noNonceIsEverAcceptedTwiceWhateverTheClockDoes() {
    // Random traffic with replays and clock jumps; a nonce accepted once must never be accepted again,
    // which Fiber guarantees by never forgetting and this cache by forgetting only expired nonces.
    Random random = new Random(56);
    NonceCache bounded = new NonceCache(clock::get, 1_000_000, 50);
    Set<String> accepted = new HashSet<>();
    java.util.List<String> issued = new java.util.ArrayList<>();
    int maxSize = 0;
    for (int step = 0; step < 20_000; step++) {
      clock.addAndGet((long) (random.nextDouble() * 2 * SECOND));
      String nonce;
      if (!issued.isEmpty() && random.nextInt(3) == 0) {
        nonce = issued.get(random.nextInt(issued.size()));
      } else {
        long skew = (long) ((random.nextDouble() * 600 - 300) * SECOND);
        nonce = (clock.get() + skew) + "_" + step;
        issued.add(nonce);
      }
      NonceCache.Admission admission = bounded.admit(nonce);
      boolean signedByTheValidator = random.nextInt(4) != 0;
      if (signedByTheValidator && (admission.accepted() || admission.outcome() == Outcome.TOO_NEW)) {
        boolean remembered = bounded.confirm(nonce);
        if (admission.accepted() && remembered) {
          // Served: this is what must never happen twice.
          assertThat(accepted.add(nonce)).as("%s served twice", nonce).isTrue();
        }
      }
      maxSize = Math.max(maxSize, bounded.size());
    }
    // ~1 s per step, at most 420 s of retention and 50 unsigned entries: far fewer entries than requests.
    assertThat(maxSize).isLessThan(600);
  }
}
