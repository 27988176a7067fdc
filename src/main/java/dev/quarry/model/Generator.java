package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Batched generation with a key/value cache. Prompts of different lengths are left-padded (as HF
 * generate does) and prefilled together, then every step decodes one token for each unfinished
 * sequence. A sequence stops at its first stop token or at the new-token limit; finished rows are
 * dropped from the batch as they accumulate. Per step only the sampled ids cross from the device
 * to the JVM.
 *
 * <p>Sampling follows HF's processors (see {@link SamplingParameters}); the random draws come from
 * the seed (sequence i uses the i-th split of a {@link SplittableRandom}), so the same prompts,
 * parameters and seed give the same completions.
 */
public final class Generator {

  /** Rows (batch x positions) processed per prefill chunk, to bound activation memory. */
  static final long PREFILL_ROWS = 4096;

  private final QwenTransformer transformer;
  private final Set<Integer> stopTokenIds;
  private final int padTokenId;
  private long prefillRows = PREFILL_ROWS;

  Generator(QwenTransformer transformer, Set<Integer> stopTokenIds, int padTokenId) {
    this.transformer = transformer;
    this.stopTokenIds = Set.copyOf(stopTokenIds);
    this.padTokenId = padTokenId;
  }

  /** Positions (summed over the batch) per prefill chunk; smaller uses less memory. */
  Generator withPrefillRows(long rows) {
    this.prefillRows = Math.max(1, rows);
    return this;
  }

  /** The ids that end a sequence (the checkpoint's eos tokens). */
  public Set<Integer> stopTokenIds() {
    return stopTokenIds;
  }

  /**
   * Generates a completion for every prompt, stopping at the checkpoint's stop tokens.
   *
   * @throws PromptTooLongException if any prompt plus maxNewTokens exceeds max_position_embeddings
   */
  public List<Completion> generate(List<int[]> prompts, SamplingParameters sampling, int maxNewTokens, long seed) {
    return generate(prompts, sampling, maxNewTokens, seed, stopTokenIds);
  }

  /** As {@link #generate(List, SamplingParameters, int, long)} with explicit stop tokens. */
  public List<Completion> generate(List<int[]> prompts, SamplingParameters sampling, int maxNewTokens, long seed,
      Set<Integer> stopTokens) {
    ModelConfig config = transformer.config();
    validate(prompts, maxNewTokens, config);
    int batch = prompts.size();
    int longest = 0;
    for (int[] prompt : prompts) {
      longest = Math.max(longest, prompt.length);
    }
    long capacity = (long) longest + maxNewTokens;
    int[] padding = new int[batch];
    for (int i = 0; i < batch; i++) {
      padding[i] = longest - prompts.get(i).length;
    }
    Sampler sampler = new Sampler(sampling, config.vocabSize());
    List<List<Integer>> outputs = new ArrayList<>();
    StopReason[] reasons = new StopReason[batch];
    for (int i = 0; i < batch; i++) {
      outputs.add(new ArrayList<>());
    }
    // Identical prompts (Grail samples 16 rollouts of each problem) are prefilled once and their
    // cache rows copied, which gives the same values as prefilling every copy.
    List<int[]> distinct = new ArrayList<>();
    long[] sourceRow = new long[batch];
    for (int i = 0; i < batch; i++) {
      int found = -1;
      for (int j = 0; j < distinct.size() && found < 0; j++) {
        if (Arrays.equals(distinct.get(j), prompts.get(i))) {
          found = j;
        }
      }
      if (found < 0) {
        found = distinct.size();
        distinct.add(prompts.get(i));
      }
      sourceRow[i] = found;
    }
    try (NDManager manager = transformer.manager().newSubManager();
        KvCache cache = new KvCache(manager, config, distinct.size(), capacity)) {
      State state = new State(manager, prompts, padding, capacity, sampler, maxNewTokens, seed, config.vocabSize());
      NDArray logits = prefill(manager, distinct, longest, cache);
      if (distinct.size() < batch) {
        try (NDScope scope = new NDScope()) {
          NDArray rowIndex = manager.create(sourceRow).toDevice(manager.getDevice(), false);
          cache.keepRows(rowIndex);
          NDArray expanded = logits.get(new NDIndex("{}", rowIndex));
          NDScope.unregister(expanded);
          logits.close();
          logits = expanded;
        }
      }
      try {
        int[] originalOfRow = new int[batch];
        for (int i = 0; i < batch; i++) {
          originalOfRow[i] = i;
        }
        for (int step = 0; step < maxNewTokens; step++) {
          try (NDScope scope = new NDScope()) {
            NDArray uniforms = state.uniformsFor(step);
            NDArray seen = state.seenUpTo((long) longest + step);
            NDArray ids = sampler.sample(logits, seen, uniforms, false);
            long[] chosen = ids.toLongArray();
            if (containsUnresolved(chosen)) {
              ids = sampler.sample(logits, seen, uniforms, true);
              chosen = ids.toLongArray();
            }
            List<Integer> activeRows = new ArrayList<>();
            for (int row = 0; row < chosen.length; row++) {
              int original = originalOfRow[row];
              if (reasons[original] != null) {
                continue;
              }
              int token = (int) chosen[row];
              outputs.get(original).add(token);
              if (stopTokens.contains(token)) {
                reasons[original] = StopReason.EOS;
              } else if (outputs.get(original).size() >= maxNewTokens) {
                reasons[original] = StopReason.MAX_NEW_TOKENS;
              } else {
                activeRows.add(row);
              }
            }
            if (activeRows.isEmpty()) {
              break;
            }
            state.recordTokens(ids, (long) longest + step);
            NDArray next = ids;
            if (activeRows.size() < chosen.length && activeRows.size() <= chosen.length * 3 / 4) {
              long[] keep = activeRows.stream().mapToLong(Integer::longValue).toArray();
              NDArray rowIndex = manager.create(keep).toDevice(manager.getDevice(), false);
              cache.keepRows(rowIndex);
              state.keepRows(rowIndex);
              next = ids.get(new NDIndex("{}", rowIndex));
              int[] remapped = new int[keep.length];
              for (int i = 0; i < keep.length; i++) {
                remapped[i] = originalOfRow[(int) keep[i]];
              }
              originalOfRow = remapped;
            }
            long rows = originalOfRow.length;
            long slot = (long) longest + step;
            NDArray positions = state.padding.neg().add(slot).reshape(rows, 1);
            NDArray bias = Nd.narrow(state.keyBias, 1, 0, slot + 1).reshape(rows, 1, 1, slot + 1);
            NDArray hidden = transformer.extend(next.reshape(rows, 1), positions, cache, slot, bias);
            NDArray nextLogits = transformer.logits(hidden.reshape(rows, config.hiddenSize()));
            NDScope.unregister(nextLogits);
            logits.close();
            logits = nextLogits;
          }
        }
      } finally {
        logits.close();
        state.close();
      }
    }
    List<Completion> completions = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      int[] tokens = outputs.get(i).stream().mapToInt(Integer::intValue).toArray();
      completions.add(new Completion(tokens, reasons[i] == null ? StopReason.MAX_NEW_TOKENS : reasons[i]));
    }
    return completions;
  }

  private static boolean containsUnresolved(long[] ids) {
    for (long id : ids) {
      if (id < 0) {
        return true;
      }
    }
    return false;
  }

  private static void validate(List<int[]> prompts, int maxNewTokens, ModelConfig config) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("no prompts given");
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
    }
    for (int i = 0; i < prompts.size(); i++) {
      int[] prompt = prompts.get(i);
      if (prompt.length == 0) {
        throw new IllegalArgumentException("prompt " + i + " is empty");
      }
      if ((long) prompt.length + maxNewTokens > config.maxPositionEmbeddings()) {
        throw new PromptTooLongException(i, prompt.length, maxNewTokens, config.maxPositionEmbeddings());
      }
      for (int token : prompt) {
        if (token < 0 || token >= config.vocabSize()) {
          throw new IllegalArgumentException("prompt " + i + " holds token id " + token + ", outside the vocabulary [0, "
              + config.vocabSize() + ")");
        }
      }
    }
  }

  /** Runs the left-padded prompts through the model in chunks; returns the logits of each prompt's last token. */
  private NDArray prefill(NDManager manager, List<int[]> prompts, int longest, KvCache cache) {
    int batch = prompts.size();
    ModelConfig config = transformer.config();
    long[] ids = new long[batch * longest];
    long[] positions = new long[batch * longest];
    float[] keyBias = new float[batch * longest];
    for (int b = 0; b < batch; b++) {
      int[] prompt = prompts.get(b);
      int pad = longest - prompt.length;
      for (int j = 0; j < longest; j++) {
        ids[b * longest + j] = j < pad ? padTokenId : prompt[j - pad];
        positions[b * longest + j] = Math.max(0, j - pad);
        keyBias[b * longest + j] = j < pad ? KvCache.MASKED : 0f;
      }
    }
    NDArray lastLogits = null;
    try (NDScope outer = new NDScope()) {
      NDArray allIds = manager.create(ids, new Shape(batch, longest)).toDevice(manager.getDevice(), false);
      NDArray allPositions = manager.create(positions, new Shape(batch, longest)).toDevice(manager.getDevice(), false);
      NDArray allBias = manager.create(keyBias, new Shape(batch, longest)).toDevice(manager.getDevice(), false);
      long attentionLimit = Math.max(1, transformer.attentionBlockFloats()
          / ((long) batch * config.attentionHeads() * longest));
      long chunk = Math.max(1, Math.min(Math.min(longest, prefillRows / batch), attentionLimit));
      for (long start = 0; start < longest; start += chunk) {
        long end = Math.min(longest, start + chunk);
        try (NDScope scope = new NDScope()) {
          NDArray bias = Nd.narrow(allBias, 1, 0, end).reshape(batch, 1, 1, end)
              .add(transformer.causalBias(start, end).reshape(1, 1, end - start, end));
          NDArray hidden = transformer.extend(Nd.narrow(allIds, 1, start, end),
              Nd.narrow(allPositions, 1, start, end), cache, start, bias);
          if (end == longest) {
            NDArray last = Nd.narrow(hidden, 1, end - start - 1, end - start).reshape(batch, config.hiddenSize());
            lastLogits = transformer.logits(last);
            NDScope.unregister(lastLogits);
          }
        }
      }
    }
    return lastLogits;
  }

  /** Per-generation device state that follows the batch rows: padding, key bias, seen tokens, uniforms. */
  private static final class State implements AutoCloseable {
    final NDManager manager;
    NDArray padding;
    NDArray keyBias;
    NDArray seen;
    NDArray uniforms;
    NDArray originalRows;
    long rows;

    State(NDManager manager, List<int[]> prompts, int[] padding, long capacity, Sampler sampler, int maxNewTokens,
        long seed, int vocabulary) {
      this.manager = manager;
      int batch = prompts.size();
      this.rows = batch;
      long[] pads = new long[batch];
      float[] bias = new float[(int) (batch * capacity)];
      for (int b = 0; b < batch; b++) {
        pads[b] = padding[b];
        for (int j = 0; j < padding[b]; j++) {
          bias[(int) (b * capacity + j)] = KvCache.MASKED;
        }
      }
      this.padding = keep(manager.create(pads).toDevice(manager.getDevice(), false));
      this.keyBias = keep(manager.create(bias, new Shape(batch, capacity)).toDevice(manager.getDevice(), false));
      this.originalRows = keep(manager.arange(0, batch, 1, DataType.INT64, manager.getDevice()));
      // Uniform draws for every step and sequence, from the seed; one transfer for the whole generation.
      SplittableRandom root = new SplittableRandom(seed);
      float[] draws = new float[batch * maxNewTokens];
      for (int b = 0; b < batch; b++) {
        SplittableRandom stream = root.split();
        for (int step = 0; step < maxNewTokens; step++) {
          draws[step * batch + b] = (stream.nextInt() >>> 8) * 0x1.0p-24f;
        }
      }
      this.uniforms = keep(manager.create(draws, new Shape(maxNewTokens, batch)).toDevice(manager.getDevice(), false));
      if (sampler.needsPresence()) {
        // Token ids of each sequence so far, slot by slot; the left padding repeats the row's first
        // prompt token, which is in the sequence anyway, so it changes nothing.
        long[] tokens = new long[(int) (batch * capacity)];
        for (int b = 0; b < batch; b++) {
          int[] prompt = prompts.get(b);
          for (int j = 0; j < capacity; j++) {
            tokens[(int) (b * capacity + j)] = j < padding[b] || j >= padding[b] + prompt.length ? prompt[0]
                : prompt[j - padding[b]];
          }
        }
        this.seen = keep(manager.create(tokens, new Shape(batch, capacity)).toDevice(manager.getDevice(), false));
      }
    }

    private static NDArray keep(NDArray array) {
      NDScope.unregister(array);
      return array;
    }

    NDArray uniformsFor(int step) {
      NDArray row = Nd.narrow(uniforms, 0, step, step + 1).reshape(uniforms.getShape().get(1));
      return rows == uniforms.getShape().get(1) ? row : row.get(new NDIndex("{}", originalRows));
    }

    /** The seen-token columns for a penalty, or null when there is none. */
    NDArray seenUpTo(long end) {
      return seen == null ? null : Nd.narrow(seen, 1, 0, end);
    }

    void recordTokens(NDArray ids, long slot) {
      if (seen != null) {
        seen.set(new NDIndex().addAllDim().addSliceDim(slot, slot + 1), ids.reshape(rows, 1));
      }
    }

    void keepRows(NDArray rowIndex) {
      padding = replace(padding, rowIndex);
      keyBias = replace(keyBias, rowIndex);
      originalRows = replace(originalRows, rowIndex);
      if (seen != null) {
        seen = replace(seen, rowIndex);
      }
      rows = rowIndex.getShape().get(0);
    }

    private static NDArray replace(NDArray old, NDArray rowIndex) {
      NDArray kept = keep(old.get(new NDIndex("{}", rowIndex)));
      old.close();
      return kept;
    }

    @Override
    public void close() {
      for (NDArray array : new NDArray[] {padding, keyBias, seen, uniforms, originalRows}) {
        if (array != null) {
          array.close();
        }
      }
    }
  }
}
