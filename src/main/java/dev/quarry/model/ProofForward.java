package dev.quarry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Grail's proof forward pass: full prompt+completion sequences through the model without a cache,
 * in sub-batches of 16 as Grail's {@code compute_proofs} batches them. Grail right-pads each
 * sub-batch; because attention is causal, padding never influences a real token, so sequences are
 * packed instead and the padding is never computed (the values for real positions are the same).
 *
 * <p>Memory is bounded for long sequences: attention is blocked by query rows, and logits are
 * computed {@value #LOGIT_CHUNK_ROWS} rows at a time and reduced to the numbers asked for at once,
 * so no {@code length x vocabulary} matrix ever exists.
 */
public final class ProofForward {

  /** Sequences per forward pass (Grail's PROOF_BATCH_SIZE). */
  public static final int SUB_BATCH = 16;
  /** Positions whose logits exist at the same time. */
  public static final int LOGIT_CHUNK_ROWS = 512;

  private final QwenTransformer transformer;
  private final int logitChunkRows;

  ProofForward(QwenTransformer transformer) {
    this(transformer, LOGIT_CHUNK_ROWS);
  }

  ProofForward(QwenTransformer transformer, int logitChunkRows) {
    this.transformer = transformer;
    this.logitChunkRows = logitChunkRows;
  }

  /** Runs the pass and collects the results, in input order. */
  public List<ProofResult> run(List<int[]> sequences, int[] promptLengths, ProofOptions options) {
    List<ProofResult> results = new ArrayList<>(sequences.size());
    run(sequences, promptLengths, options, results::add);
    return results;
  }

  /**
   * Runs the pass, handing each sequence's result to {@code sink} as soon as its sub-batch is
   * done, so a caller that reduces hidden states (to sketches) never holds them all.
   *
   * @param promptLengths per sequence, at least 1 and at most the sequence length
   */
  public void run(List<int[]> sequences, int[] promptLengths, ProofOptions options, Consumer<ProofResult> sink) {
    validate(sequences, promptLengths);
    for (int start = 0; start < sequences.size(); start += SUB_BATCH) {
      int end = Math.min(sequences.size(), start + SUB_BATCH);
      List<int[]> subBatch = sequences.subList(start, end);
      List<ProofResult> finished = new ArrayList<>();
      try (NDScope scope = new NDScope()) {
        NDArray hidden = transformer.forwardPacked(subBatch);
        int offset = 0;
        for (int i = 0; i < subBatch.size(); i++) {
          int[] tokens = subBatch.get(i);
          NDArray sequenceHidden = Nd.narrow(hidden, 0, offset, offset + tokens.length);
          finished.add(reduce(tokens, promptLengths[start + i], sequenceHidden, options));
          offset += tokens.length;
        }
      }
      finished.forEach(sink);
    }
  }

  private void validate(List<int[]> sequences, int[] promptLengths) {
    ModelConfig config = transformer.config();
    if (sequences.size() != promptLengths.length) {
      throw new IllegalArgumentException(sequences.size() + " sequences but " + promptLengths.length
          + " prompt lengths");
    }
    for (int i = 0; i < sequences.size(); i++) {
      int[] tokens = sequences.get(i);
      if (promptLengths[i] < 1 || promptLengths[i] > tokens.length) {
        throw new IllegalArgumentException("sequence " + i + ": prompt length " + promptLengths[i]
            + " must be between 1 and the sequence length " + tokens.length);
      }
      if (tokens.length > config.maxPositionEmbeddings()) {
        throw new IllegalArgumentException("sequence " + i + " has " + tokens.length
            + " tokens, more than max_position_embeddings " + config.maxPositionEmbeddings());
      }
      for (int token : tokens) {
        if (token < 0 || token >= config.vocabSize()) {
          throw new IllegalArgumentException("sequence " + i + " holds token id " + token
              + ", outside the vocabulary [0, " + config.vocabSize() + ")");
        }
      }
    }
  }

  private ProofResult reduce(int[] tokens, int promptLength, NDArray hidden, ProofOptions options) {
    int completion = tokens.length - promptLength;
    float[] hiddenStates = options.includeHiddenStates() ? hidden.toFloatArray() : new float[0];
    float[] logprobs = new float[completion];
    float[] eos = new float[options.eosTokenId() >= 0 ? completion : 0];
    float[] chosen = new float[options.includesDistribution() ? completion : 0];
    NDManager manager = transformer.manager();
    PrefixTokens prefix = options.includesDistribution() && options.distributionRepetitionPenalty() != 1.0
        ? new PrefixTokens(tokens) : null;
    // Row r of the logits predicts token r + 1; completion positions need rows [promptLength - 1, length - 1).
    for (int rowStart = promptLength - 1; rowStart < tokens.length - 1; rowStart += logitChunkRows) {
      int rowEnd = Math.min(tokens.length - 1, rowStart + logitChunkRows);
      int rows = rowEnd - rowStart;
      try (NDScope scope = new NDScope()) {
        long[] targets = new long[rows];
        for (int r = 0; r < rows; r++) {
          targets[r] = tokens[rowStart + r + 1];
        }
        NDArray targetIndex = manager.create(targets, new Shape(rows, 1)).toDevice(manager.getDevice(), false);
        NDArray logits = transformer.logits(Nd.narrow(hidden, 0, rowStart, rowEnd));
        NDArray logSoftmax = logits.logSoftmax(-1);
        copyInto(logSoftmax.gather(targetIndex, 1).toFloatArray(), logprobs, rowStart - (promptLength - 1));
        if (eos.length > 0) {
          float[] eosLogprobs = Nd.narrow(logSoftmax, 1, options.eosTokenId(), options.eosTokenId() + 1).exp()
              .toFloatArray();
          copyInto(eosLogprobs, eos, rowStart - (promptLength - 1));
        }
        if (chosen.length > 0) {
          NDArray scores = logits;
          if (prefix != null) {
            scores = prefix.penalize(scores, rowStart, rowEnd, (float) options.distributionRepetitionPenalty());
          }
          if (options.distributionTemperature() != 1.0) {
            scores = scores.div((float) options.distributionTemperature());
          }
          float[] probabilities = scores.logSoftmax(-1).gather(targetIndex, 1).exp().toFloatArray();
          copyInto(probabilities, chosen, rowStart - (promptLength - 1));
        }
      }
    }
    return new ProofResult(tokens, promptLength, transformer.config().hiddenSize(), hiddenStates, logprobs, eos, chosen);
  }

  private static void copyInto(float[] source, float[] target, int offset) {
    System.arraycopy(source, 0, target, offset, source.length);
  }

  /**
   * HF's RepetitionPenaltyLogitsProcessor for many positions at once: row r may only penalise
   * tokens occurring in tokens[0..r]. Works on the sequence's distinct tokens (at most its length)
   * instead of a rows x vocabulary mask.
   */
  private static final class PrefixTokens {
    private final long[] distinct;
    private final long[] firstPosition;

    PrefixTokens(int[] tokens) {
      Map<Integer, Integer> first = new LinkedHashMap<>();
      for (int i = 0; i < tokens.length; i++) {
        first.putIfAbsent(tokens[i], i);
      }
      distinct = new long[first.size()];
      firstPosition = new long[first.size()];
      int index = 0;
      for (Map.Entry<Integer, Integer> entry : first.entrySet()) {
        distinct[index] = entry.getKey();
        firstPosition[index] = entry.getValue();
        index++;
      }
    }

    NDArray penalize(NDArray logits, int rowStart, int rowEnd, float penalty) {
      NDManager manager = logits.getManager();
      long rows = rowEnd - rowStart;
      long count = distinct.length;
      NDArray columns = manager.create(distinct, new Shape(1, count)).toDevice(logits.getDevice(), false)
          .broadcast(new Shape(rows, count));
      NDArray firstSeen = manager.create(firstPosition, new Shape(1, count)).toDevice(logits.getDevice(), false);
      NDArray rowPositions = manager.arange(rowStart, rowEnd, 1, DataType.INT64, logits.getDevice()).reshape(rows, 1);
      NDArray inPrefix = firstSeen.lte(rowPositions);
      NDArray gathered = logits.gather(columns, 1);
      NDArray penalized = Nd.where(gathered.lt(0f), gathered.mul(penalty), gathered.div(penalty));
      return logits.scatter(columns, Nd.where(inPrefix, penalized, gathered), 1);
    }
  }
}
