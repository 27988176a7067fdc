package dev.quarry.blockzero.miner;

import dev.quarry.blockzero.ChainRecord;
import dev.quarry.chain.Chain;
import dev.quarry.chain.Commitment;
import dev.quarry.chain.NeuronInfo;
import dev.quarry.crypto.AccountId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Reads BlockZero records and neurons from a chain, as {@code get_chain_commits} does. */
final class ChainView {

  private ChainView() {}

  /** Every hotkey's parsed record in the state after {@code block} (negative: the best block), in chain order. */
  static CompletionStage<Map<AccountId, ChainRecord>> records(Chain chain, int netuid, long block) {
    CompletionStage<Map<AccountId, Commitment>> commitments = block < 0 ? chain.commitments(netuid) : chain.commitmentsAt(netuid, block);
    return commitments.thenApply(ChainView::parse);
  }

  static Map<AccountId, ChainRecord> parse(Map<AccountId, Commitment> commitments) {
    Map<AccountId, ChainRecord> records = new LinkedHashMap<>();
    commitments.forEach((hotkey, commitment) -> {
      Optional<ChainRecord> record = ChainRecord.parse(commitment.text());
      record.ifPresent(value -> records.put(hotkey, value));
    });
    return Collections.unmodifiableMap(records);
  }

  static CompletionStage<Map<AccountId, NeuronInfo>> neurons(Chain chain, int netuid) {
    return chain.neurons(netuid).thenApply(ChainView::byHotkey);
  }

  static Map<AccountId, NeuronInfo> byHotkey(List<NeuronInfo> neurons) {
    Map<AccountId, NeuronInfo> byHotkey = new LinkedHashMap<>();
    neurons.forEach(neuron -> byHotkey.put(neuron.hotkey(), neuron));
    return byHotkey;
  }

  /** Whether a neuron has served an axon (ip and port set). */
  static boolean served(NeuronInfo neuron) {
    return neuron != null && neuron.axon().address() != null && neuron.axon().port() != 0
        && !neuron.axon().address().isAnyLocalAddress();
  }
}
