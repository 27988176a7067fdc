package dev.quarry.cli;

import dev.quarry.chain.BlockHead;
import dev.quarry.chain.Chain;
import dev.quarry.chain.ChainException;
import dev.quarry.chain.ChainIdentity;
import dev.quarry.chain.Chains;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.chain.local.LocalChain;
import dev.quarry.crypto.AccountId;
import dev.quarry.crypto.Hashes;
import dev.quarry.crypto.Keypair;
import dev.quarry.crypto.SecretUri;
import dev.quarry.crypto.Sr25519;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quarry chain …}: read a Bittensor chain (or the embedded local chain) and time the crypto. */
@Command(
    name = "chain",
    description = "Query a Bittensor chain: identity, blocks, registrations, metagraph, commitments; benchmark sr25519.",
    mixinStandardHelpOptions = true,
    subcommands = {
      ChainCommand.Info.class, ChainCommand.Block.class, ChainCommand.Uid.class, ChainCommand.Neurons.class,
      ChainCommand.Commitments.class, ChainCommand.Watch.class, ChainCommand.Bench.class
    })
public final class ChainCommand implements Runnable {

  @Spec CommandSpec spec;

  @Option(names = {"-n", "--network"}, defaultValue = "finney",
      description = "finney, test, archive, local, embedded, or a ws:// / wss:// URL (default: ${DEFAULT-VALUE}).")
  String network;

  @Option(names = "--timeout", defaultValue = "60s", description = "How long to wait for an answer, e.g. 30s (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  Chain open() {
    try {
      return Chains.open(network);
    } catch (IllegalArgumentException invalid) {
      throw new UserError(invalid.getMessage());
    }
  }

  <T> T await(CompletionStage<T> stage) {
    Duration limit = parseDuration(timeout);
    try {
      return stage.toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new UserError("no answer from " + network + " within " + timeout + "; check the network and --network", 1, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ChainException chainError && chainError.kind() == ChainException.Kind.CONNECTION) {
        throw new UserError("cannot reach " + network + ": " + cause.getMessage(), 1, cause);
      }
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static Duration parseDuration(String text) {
    String value = text.strip().toLowerCase(java.util.Locale.ROOT);
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      if (value.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
      }
      if (value.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new UserError("'" + text + "' is not a duration; use e.g. 500ms, 30s or 2m");
    }
  }

  static AccountId account(String text) {
    try {
      return AccountId.parse(text);
    } catch (IllegalArgumentException invalid) {
      throw new UserError(invalid.getMessage());
    }
  }

  @Command(name = "info", description = "Genesis hash, chain name, runtime versions and the current block.")
  static final class Info implements Runnable {
    @ParentCommand ChainCommand parent;
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;

    @Override
    public void run() {
      try (Chain chain = parent.open()) {
        ChainIdentity identity = parent.await(chain.identity());
        long block = parent.await(chain.currentBlock());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("network", parent.network);
        out.put("chain", identity.chainName());
        out.put("genesisHash", identity.genesisHash());
        out.put("specName", identity.specName());
        out.put("specVersion", identity.specVersion());
        out.put("transactionVersion", identity.transactionVersion());
        out.put("currentBlock", block);
        JsonOutput.print(spec.commandLine().getOut(), out);
      }
    }
  }

  @Command(name = "block", description = "A block's hash and timestamp (default: the current block).")
  static final class Block implements Runnable {
    @ParentCommand ChainCommand parent;
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Parameters(arity = "0..1", paramLabel = "NUMBER") Long number;

    @Override
    public void run() {
      try (Chain chain = parent.open()) {
        long at = number != null ? number : parent.await(chain.currentBlock());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", at);
        out.put("hash", parent.await(chain.blockHash(at)));
        out.put("timestamp", parent.await(chain.blockTimestamp(at)).toString());
        JsonOutput.print(spec.commandLine().getOut(), out);
      }
    }
  }

  @Command(name = "uid", description = "A hotkey's uid on a subnet (registration check).")
  static final class Uid implements Runnable {
    @ParentCommand ChainCommand parent;
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Option(names = "--netuid", required = true) int netuid;
    @Option(names = "--hotkey", required = true, description = "SS58 address or 0x public key.") String hotkey;

    @Override
    public void run() {
      AccountId account = account(hotkey);
      try (Chain chain = parent.open()) {
        var uid = parent.await(chain.uid(netuid, account));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("netuid", netuid);
        out.put("hotkey", account.ss58());
        out.put("registered", uid.isPresent());
        out.put("uid", uid.isPresent() ? uid.getAsInt() : null);
        JsonOutput.print(spec.commandLine().getOut(), out);
      }
    }
  }

  @Command(name = "neurons", description = "A subnet's metagraph (NeuronInfoLite), one object per uid.")
  static final class Neurons implements Runnable {
    @ParentCommand ChainCommand parent;
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Option(names = "--netuid", required = true) int netuid;

    @Override
    public void run() {
      try (Chain chain = parent.open()) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (NeuronInfo neuron : parent.await(chain.neurons(netuid))) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("uid", neuron.uid());
          row.put("hotkey", neuron.hotkey().ss58());
          row.put("coldkey", neuron.coldkey().ss58());
          row.put("stakeRao", neuron.stake());
          row.put("incentive", NeuronInfo.normalized(neuron.incentive()));
          row.put("dividends", NeuronInfo.normalized(neuron.dividends()));
          row.put("emissionRao", neuron.emission());
          row.put("validatorPermit", neuron.validatorPermit());
          row.put("axon", neuron.axon().endpoint());
          row.put("lastUpdate", neuron.lastUpdate());
          out.add(row);
        }
        JsonOutput.print(spec.commandLine().getOut(), out);
      }
    }
  }

  @Command(name = "commitments", description = "Every commitment on a subnet (hotkey, block, first field as text).")
  static final class Commitments implements Runnable {
    @ParentCommand ChainCommand parent;
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Option(names = "--netuid", required = true) int netuid;

    @Override
    public void run() {
      try (Chain chain = parent.open()) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Commitment commitment : parent.await(chain.commitments(netuid)).values()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("hotkey", commitment.hotkey().ss58());
          row.put("block", commitment.block());
          row.put("text", commitment.text());
          out.add(row);
        }
        JsonOutput.print(spec.commandLine().getOut(), out);
      }
    }
  }

  @Command(name = "watch", description = "Print new blocks as they arrive (one JSON line each).")
  static final class Watch implements Runnable {
    @ParentCommand ChainCommand parent;
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Option(names = "--count", defaultValue = "0", description = "Stop after this many blocks (0: run until interrupted).") int count;

    @Override
    public void run() {
      CountDownLatch done = new CountDownLatch(count > 0 ? count : 1);
      try (Chain chain = parent.open()) {
        if (chain instanceof LocalChain local) {
          spec.commandLine().getErr().println("embedded chain: one block every " + local.config().blockTime().toSeconds() + " s");
        }
        var subscription = chain.subscribeHeads(head -> print(head, done));
        try {
          done.await();
        } finally {
          subscription.close();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void print(BlockHead head, CountDownLatch done) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("number", head.number());
      line.put("hash", head.hash());
      line.put("receivedAt", Instant.now().toString());
      spec.commandLine().getOut().println(JsonOutput.mapper().valueToTree(line).toString());
      spec.commandLine().getOut().flush();
      if (count > 0) {
        done.countDown();
      }
    }
  }

  @Command(name = "bench", description = "Time sr25519 signing and verification and the storage hashes on this machine.")
  static final class Bench implements Runnable {
    @Spec CommandSpec spec;
    @Mixin Verbosity verbosity;
    @Option(names = "--iterations", defaultValue = "2000") int iterations;

    @Override
    public void run() {
      Keypair pair = SecretUri.dev("Alice");
      byte[] message = new byte[128];
      byte[] signature = pair.sign(message);
      for (int i = 0; i < Math.min(200, iterations); i++) { // warm-up
        Sr25519.verify(pair.publicKey(), message, pair.sign(message));
      }
      long start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        signature = pair.sign(message);
      }
      double signMicros = (System.nanoTime() - start) / 1e3 / iterations;
      start = System.nanoTime();
      boolean allValid = true;
      for (int i = 0; i < iterations; i++) {
        allValid &= Sr25519.verify(pair.publicKey(), message, signature);
      }
      double verifyMicros = (System.nanoTime() - start) / 1e3 / iterations;
      byte[] block = new byte[1024];
      start = System.nanoTime();
      for (int i = 0; i < iterations * 10; i++) {
        block[0] = Hashes.blake2b256(block)[0];
      }
      double blakeMicros = (System.nanoTime() - start) / 1e3 / (iterations * 10);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("iterations", iterations);
      out.put("sr25519SignMicros", Math.round(signMicros * 10) / 10.0);
      out.put("sr25519VerifyMicros", Math.round(verifyMicros * 10) / 10.0);
      out.put("blake2b256Per1KiBMicros", Math.round(blakeMicros * 100) / 100.0);
      out.put("allSignaturesValid", allValid);
      JsonOutput.print(spec.commandLine().getOut(), out);
    }
  }
}
