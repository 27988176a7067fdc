package dev.quarry.env;

import dev.quarry.grail.protocol.python.PythonRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The reference's dataset split rules and seed-to-index rule
 * ({@code grail/environments/providers.py}), as views over {@link TaskSource}s holding the HF splits.
 *
 * <ul>
 *   <li>GSM8K: {@code random.Random(42).shuffle(range(N))} over the HF train split; the first 250
 *       shuffled indices form "val", the rest "train"; both keep the original order. "test" is the HF
 *       test split.
 *   <li>MATH: the seven subjects' HF train splits in a fixed order; one {@code Random(42)} shuffles
 *       each subject's indices in turn and takes {@code round(500 · share)} of them (the last subject
 *       takes what remains of 500) for "val"; "train" is the rest, subject by subject. "test" is the
 *       subjects' test splits concatenated.
 *   <li>MBPP: the HF test split (500) is shuffled with {@code Random(42)}; its first 80 % (in
 *       shuffled order) follow the HF train split to form "train", the rest follow the HF
 *       validation split to form "validation". There is no "test".
 *   <li>KernelBench: the rows of every level split, grouped by their {@code level} field; one
 *       {@code Random(42)} shuffles each level's positions in ascending level order and takes
 *       {@code max(1, int(0.2 · n))} of them for "val". "all" is train followed by val.
 *   <li>Index from seed: {@code int(((seed mod 2^32) / 2^32) · size)} (GSM8K, MATH, KernelBench);
 *       MBPP and HumanEval use {@code seed mod size}.
 * </ul>
 */
public final class DatasetSplits {

  /** A split name as checkpoint metadata gives it ({@code env_params.split}). */
  public enum Split {
    TRAIN("train"),
    VAL("val"),
    TEST("test"),
    /** Every problem (KernelBench only): train followed by val. */
    ALL("all");

    private final String id;

    Split(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** Reads a split name as GSM8K and MATH accept it: exactly train, val or test. */
    public static Split fromId(String value) {
      for (Split split : List.of(TRAIN, VAL, TEST)) {
        if (split.id.equals(value)) {
          return split;
        }
      }
      throw new IllegalArgumentException(
          "split must be 'train', 'val', or 'test', got '" + value + "'");
    }

    @Override
    public String toString() {
      return id.toLowerCase(Locale.ROOT);
    }
  }

  /** GSM8K validation items taken from the HF train split. */
  public static final int GSM8K_VALIDATION_SIZE = 250;

  /** MATH validation items taken from the HF train splits, stratified by subject. */
  public static final int MATH_VALIDATION_SIZE = 500;

  /** The MATH subjects ({@code EleutherAI/hendrycks_math} configs) in the reference's order. */
  public static final List<String> MATH_SUBJECTS = List.of(
      "algebra", "counting_and_probability", "geometry", "intermediate_algebra", "number_theory",
      "prealgebra", "precalculus");

  /** The reference's error for MBPP's "test" split, which it redistributed. */
  public static final String MBPP_TEST_SPLIT_MESSAGE = "MBPP 'test' split does not exist. "
      + "The original test set (500 examples) has been redistributed to train (80%) and validation (20%). "
      + "Use 'train' or 'validation' instead.";

  /** Share of MBPP's HF test split added to "train". */
  public static final double MBPP_TEST_TO_TRAIN_FRACTION = 0.8;

  /** Share of each KernelBench level held out for "val". */
  public static final double KERNELBENCH_VALIDATION_FRACTION = 0.2;

  private static final int SPLIT_SEED = 42;

  private DatasetSplits() {}

  /** {@code int(((seed % 2**32) / 2**32) * size)}: the item a seed picks. */
  public static int indexFromSeed(long seed, int size) {
    double normalized = Math.floorMod(seed, 1L << 32) / 4294967296.0;
    return (int) (normalized * size);
  }

  /** Positions in the HF GSM8K train split that make up "val", ascending. */
  public static List<Integer> gsm8kValidationIndices(int trainSize) {
    if (trainSize < GSM8K_VALIDATION_SIZE) {
      throw new IllegalArgumentException("GSM8K train split has " + trainSize + " items, fewer than the "
          + GSM8K_VALIDATION_SIZE + " held out for validation");
    }
    int[] order = identity(trainSize);
    PythonRandom.fromLong(SPLIT_SEED).shuffle(order);
    Set<Integer> held = new HashSet<>();
    for (int i = 0; i < GSM8K_VALIDATION_SIZE; i++) {
      held.add(order[i]);
    }
    List<Integer> indices = new ArrayList<>(held);
    indices.sort(null);
    return indices;
  }

  /** The GSM8K split view over the HF train split (train/val) or test split. */
  public static <T> TaskSource<T> gsm8k(Split split, TaskSource<T> hfTrain, TaskSource<T> hfTest) {
    return switch (split) {
      case TEST -> hfTest;
      case VAL -> view(hfTrain, gsm8kValidationIndices(hfTrain.size()));
      case TRAIN -> view(hfTrain, complement(hfTrain.size(), gsm8kValidationIndices(hfTrain.size())));
      case ALL -> throw new IllegalArgumentException("split must be 'train', 'val', or 'test', got 'all'");
    };
  }

  /**
   * Per subject (in {@link #MATH_SUBJECTS} order), the positions in that subject's HF train split
   * that go to "val", ascending.
   */
  public static List<List<Integer>> mathValidationIndices(List<Integer> subjectTrainSizes) {
    long total = 0;
    for (int size : subjectTrainSizes) {
      total += size;
    }
    PythonRandom random = PythonRandom.fromLong(SPLIT_SEED);
    int remaining = MATH_VALIDATION_SIZE;
    List<List<Integer>> result = new ArrayList<>();
    for (int s = 0; s < subjectTrainSizes.size(); s++) {
      int size = subjectTrainSizes.get(s);
      int take;
      if (s == subjectTrainSizes.size() - 1) {
        take = remaining;
      } else {
        double proportion = (double) size / total;
        // Python's round() rounds half to even.
        take = (int) Math.rint(MATH_VALIDATION_SIZE * proportion);
        take = Math.min(Math.min(take, size), remaining);
      }
      int[] order = identity(size);
      random.shuffle(order);
      List<Integer> held = new ArrayList<>();
      for (int i = 0; i < Math.min(take, size); i++) {
        held.add(order[i]);
      }
      held.sort(null);
      result.add(held);
      remaining -= take;
    }
    int heldTotal = result.stream().mapToInt(List::size).sum();
    if (heldTotal != MATH_VALIDATION_SIZE) {
      throw new IllegalArgumentException("MATH train splits yield " + heldTotal + " validation items, not "
          + MATH_VALIDATION_SIZE + " (are all seven subjects present?)");
    }
    return result;
  }

  /**
   * The MATH split view.
   *
   * @param subjectTrain the seven subjects' HF train splits in {@link #MATH_SUBJECTS} order
   * @param subjectTest the seven subjects' HF test splits in the same order
   */
  public static <T> TaskSource<T> math(Split split, List<TaskSource<T>> subjectTrain, List<TaskSource<T>> subjectTest) {
    if (split == Split.TEST) {
      return concatenate(subjectTest);
    }
    if (split == Split.ALL) {
      throw new IllegalArgumentException("split must be 'train', 'val', or 'test', got 'all'");
    }
    List<Integer> sizes = subjectTrain.stream().map(TaskSource::size).toList();
    List<List<Integer>> held = mathValidationIndices(sizes);
    List<TaskSource<T>> parts = new ArrayList<>();
    for (int s = 0; s < subjectTrain.size(); s++) {
      TaskSource<T> subject = subjectTrain.get(s);
      parts.add(split == Split.VAL ? view(subject, held.get(s)) : view(subject, complement(subject.size(), held.get(s))));
    }
    return concatenate(parts);
  }

  /**
   * The MBPP split view.
   *
   * @param split {@link Split#TRAIN} or {@link Split#VAL} (the reference's "validation")
   * @param hfTrain the HF train split (374 rows)
   * @param hfValidation the HF validation split (90 rows)
   * @param hfTest the HF test split (500 rows), redistributed over the two
   */
  public static <T> TaskSource<T> mbpp(Split split, TaskSource<T> hfTrain, TaskSource<T> hfValidation, TaskSource<T> hfTest) {
    int[] order = identity(hfTest.size());
    PythonRandom.fromLong(SPLIT_SEED).shuffle(order);
    int toTrain = (int) (hfTest.size() * MBPP_TEST_TO_TRAIN_FRACTION);
    List<Integer> head = new ArrayList<>();
    List<Integer> tail = new ArrayList<>();
    for (int i = 0; i < order.length; i++) {
      (i < toTrain ? head : tail).add(order[i]);
    }
    return switch (split) {
      case TRAIN -> concatenate(List.of(hfTrain, view(hfTest, head)));
      case VAL -> concatenate(List.of(hfValidation, view(hfTest, tail)));
      default -> throw new IllegalArgumentException(MBPP_TEST_SPLIT_MESSAGE);
    };
  }

  /**
   * The KernelBench split view.
   *
   * @param split {@link Split#TRAIN}, {@link Split#VAL} or {@link Split#ALL}
   * @param rows every row of the level splits that exist, level_1 first, each split in file order
   * @param levelOf a row's {@code level} field
   */
  public static <T> TaskSource<T> kernelBench(Split split, TaskSource<T> rows, java.util.function.ToIntFunction<T> levelOf) {
    java.util.SortedMap<Integer, List<Integer>> byLevel = new java.util.TreeMap<>();
    for (int i = 0; i < rows.size(); i++) {
      byLevel.computeIfAbsent(levelOf.applyAsInt(rows.get(i)), level -> new ArrayList<>()).add(i);
    }
    PythonRandom random = PythonRandom.fromLong(SPLIT_SEED);
    List<Integer> train = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    for (List<Integer> positions : byLevel.values()) {
      int[] order = identity(positions.size());
      random.shuffle(order);
      int held = Math.max(1, (int) (positions.size() * KERNELBENCH_VALIDATION_FRACTION));
      Set<Integer> heldOut = new HashSet<>();
      for (int i = 0; i < held; i++) {
        heldOut.add(order[i]);
      }
      for (int i = 0; i < positions.size(); i++) {
        (heldOut.contains(i) ? validation : train).add(positions.get(i));
      }
    }
    return switch (split) {
      case TRAIN -> view(rows, train);
      case VAL -> view(rows, validation);
      case ALL -> concatenate(List.of(view(rows, train), view(rows, validation)));
      case TEST -> throw new IllegalArgumentException("split must be 'train', 'val', or 'all', got 'test'");
    };
  }

  /** The items of {@code source} at {@code indices}, in that order. */
  public static <T> TaskSource<T> view(TaskSource<T> source, List<Integer> indices) {
    int[] positions = indices.stream().mapToInt(Integer::intValue).toArray();
    return new TaskSource<>() {
      @Override
      public int size() {
        return positions.length;
      }

      @Override
      public T get(int index) {
        return source.get(positions[index]);
      }
    };
  }

  /** Sources one after the other. */
  public static <T> TaskSource<T> concatenate(List<TaskSource<T>> sources) {
    List<TaskSource<T>> parts = List.copyOf(sources);
    int[] starts = new int[parts.size() + 1];
    for (int i = 0; i < parts.size(); i++) {
      starts[i + 1] = starts[i] + parts.get(i).size();
    }
    return new TaskSource<>() {
      @Override
      public int size() {
        return starts[parts.size()];
      }

      @Override
      public T get(int index) {
        if (index < 0 || index >= size()) {
          throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (size() - 1));
        }
        int part = 0;
        while (index >= starts[part + 1]) {
          part++;
        }
        return parts.get(part).get(index - starts[part]);
      }
    };
  }

  private static List<Integer> complement(int size, List<Integer> excluded) {
    Set<Integer> skip = new HashSet<>(excluded);
    List<Integer> kept = new ArrayList<>(size - skip.size());
    for (int i = 0; i < size; i++) {
      if (!skip.contains(i)) {
        kept.add(i);
      }
    }
    return kept;
  }

  private static int[] identity(int size) {
    int[] values = new int[size];
    for (int i = 0; i < size; i++) {
      values[i] = i;
    }
    return values;
  }
}
