package dev.quarry.env;

import dev.quarry.grail.protocol.python.PythonRandom;
import dev.quarry.grail.protocol.python.PythonText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The procedural 3-SAT environment ({@code grail/environments/sat_env.py}, {@code SATTaskSource}).
 *
 * <p>Instance: difficulty {@code d = 0.3 + (seed % 100)/250}; {@code random.Random(sha256(str(seed)))}
 * draws {@code randint(4 + int(11·d·0.5), 4 + int(11·d))} variables and
 * {@code randint(5 + int(15·d·0.5), 5 + int(15·d))} clauses, each {@code sample(range(1, n+1), 3)}
 * with every literal negated when {@code random() < 0.5}.
 *
 * <p>Reward (weights 1.0, 0.15, 0.10, 0.15, 0.10, 0.05): correctness (1 satisfied / 0 wrong / −0.2
 * not well formed), strict format 0.3, soft format 0.2, shape 0.3, no-trailing up to 0.2, charset
 * 0.1; maximum 1.135. Success means correctness 1.
 */
public final class SatEnvironment implements Environment {

  /** The environment id. */
  public static final String ID = "sat";

  private static final int MIN_VARS = 4;
  private static final int MAX_VARS = 15;
  private static final int MIN_CLAUSES = 5;
  private static final int MAX_CLAUSES = 20;
  private static final int CLAUSE_LENGTH = 3;
  private static final double[] WEIGHTS = {1.0, 0.15, 0.10, 0.15, 0.10, 0.05};
  private static final String[] COMPONENT_NAMES = {"correctness", "strict_format", "soft_format", "answer_shape", "no_trailing", "charset"};
  private static final Pattern BITS_AND_SPACES = Pattern.compile("[" + PythonText.WHITESPACE_CHARS + "01]*");

  /**
   * What the SAT parser reads from a completion ({@code SATParser.parse}).
   *
   * @param assignment the first {@code numVars} bits, zero-padded (empty without an answer)
   * @param answerText the chosen answer block's content
   * @param hasThinking a closing thinking tag is present
   * @param hasAnswer an answer block is present
   * @param strictFormatOk exactly one answer block, nothing after it, only bits and spaces, exactly n bits
   * @param trailingAfterAnswer code points after the chosen answer block
   * @param answerHasOnlyBitsSpaces the answer text holds only 0, 1 and whitespace
   */
  public record Parsed(
      boolean[] assignment,
      String answerText,
      boolean hasThinking,
      boolean hasAnswer,
      boolean strictFormatOk,
      int trailingAfterAnswer,
      boolean answerHasOnlyBitsSpaces) {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Problem problem(long seed) {
    SatInstance instance = instance(seed);
    return new Problem(ID, seed, prompt(instance), instance);
  }

  /** The instance for a seed. */
  public static SatInstance instance(long seed) {
    String seedMaterial = Long.toString(seed);
    double difficulty = 0.3 + Math.floorMod(seed, 100) / 250.0;
    PythonRandom random = PythonRandom.fromBytes(sha256(seedMaterial.getBytes(StandardCharsets.UTF_8)));
    int numVars = (int) random.randomInteger(
        MIN_VARS + (int) ((MAX_VARS - MIN_VARS) * difficulty * 0.5),
        MIN_VARS + (int) ((MAX_VARS - MIN_VARS) * difficulty));
    int numClauses = (int) random.randomInteger(
        MIN_CLAUSES + (int) ((MAX_CLAUSES - MIN_CLAUSES) * difficulty * 0.5),
        MIN_CLAUSES + (int) ((MAX_CLAUSES - MIN_CLAUSES) * difficulty));
    List<int[]> clauses = new ArrayList<>(numClauses);
    for (int c = 0; c < numClauses; c++) {
      int[] variables = random.sampleIndices(numVars, Math.min(CLAUSE_LENGTH, numVars));
      int[] clause = new int[variables.length];
      for (int v = 0; v < variables.length; v++) {
        int variable = variables[v] + 1;
        clause[v] = random.random() < 0.5 ? -variable : variable;
      }
      clauses.add(clause);
    }
    return new SatInstance(seedMaterial, difficulty, numVars, clauses);
  }

  /** The user prompt ({@code _create_sat_prompt}). */
  public static String prompt(SatInstance instance) {
    StringBuilder text = new StringBuilder();
    text.append("SAT Problem (seed: ").append(PythonText.prefix(instance.seedMaterial(), 8)).append("...):\n");
    text.append("Variables: ").append(instance.numVars()).append('\n');
    text.append("Clauses:\n");
    for (int[] clause : instance.clauses()) {
      text.append("  (");
      for (int i = 0; i < clause.length; i++) {
        if (i > 0) {
          text.append(" OR ");
        }
        if (clause[i] < 0) {
          text.append("NOT ");
        }
        text.append('x').append(Math.abs(clause[i]));
      }
      text.append(")\n");
    }
    return "SAT Problem:\n" + text + "\n"
        + "Provide your final assignment between <SOLUTION></SOLUTION> as space-separated 0/1 values for x1..xN "
        + "(e.g., <SOLUTION>0 1 0 1</SOLUTION>).\n";
  }

  /** {@code SATParser.parse}. */
  public static Parsed parse(String completion, SatInstance instance, ThinkingMode mode) {
    String text = completion == null ? "" : completion;
    ThinkingParser parser = mode.parser();
    boolean hasThinking = parser.hasThinking(text);
    boolean hasAnswer = parser.hasAnswer(text);
    int opens = parser.countAnswerOpens(text);
    int closes = parser.countAnswerCloses(text);
    String answerText = "";
    int trailing = 0;
    boolean strict = false;
    if (hasAnswer) {
      ThinkingParser.AnswerMatch match = hasThinking ? parser.thinkThenAnswer(text) : null;
      if (match == null) {
        match = parser.firstAnswer(text);
      }
      answerText = match.content();
      trailing = match.trailing();
      strict = opens == 1 && closes == 1 && trailing == 0
          && BITS_AND_SPACES.matcher(answerText).matches()
          && countBits(answerText) == instance.numVars();
    }
    boolean onlyBits = BITS_AND_SPACES.matcher(answerText).matches();
    boolean[] assignment;
    if (hasAnswer && !answerText.isEmpty()) {
      assignment = new boolean[instance.numVars()];
      int filled = 0;
      for (int i = 0; i < answerText.length() && filled < instance.numVars(); i++) {
        char c = answerText.charAt(i);
        if (c == '0' || c == '1') {
          assignment[filled++] = c == '1';
        }
      }
    } else {
      assignment = new boolean[0];
    }
    return new Parsed(assignment, answerText, hasThinking, hasAnswer, strict, trailing, onlyBits);
  }

  @Override
  public Evaluation evaluate(Problem problem, String completion, ThinkingMode mode) {
    SatInstance instance = (SatInstance) problem.details();
    Parsed parsed = parse(completion, instance, mode);
    int bits = countBits(parsed.answerText());
    boolean wellFormed = parsed.hasAnswer() && parsed.answerHasOnlyBitsSpaces()
        && parsed.trailingAfterAnswer() == 0 && bits == instance.numVars();
    double correctness = !wellFormed ? -0.2 : (instance.isSatisfiedBy(parsed.assignment()) ? 1.0 : 0.0);
    double[] components = {
      correctness,
      parsed.strictFormatOk() ? 0.3 : 0.0,
      RewardComponents.soft(parsed.hasAnswer()),
      bits == instance.numVars() ? 0.3 : 0.0,
      RewardComponents.noTrailing(parsed.hasAnswer(), parsed.trailingAfterAnswer()),
      parsed.hasAnswer() && parsed.answerHasOnlyBitsSpaces() ? 0.1 : 0.0,
    };
    Map<String, Double> named = new LinkedHashMap<>();
    for (int i = 0; i < components.length; i++) {
      named.put(COMPONENT_NAMES[i], components[i]);
    }
    return new Evaluation(RewardComponents.weightedSum(WEIGHTS, components), correctness == 1.0, named);
  }

  /** Clauses satisfied by the parsed assignment (the reference's {@code satisfied_clauses} info). */
  public static int satisfiedClauses(SatInstance instance, Parsed parsed) {
    return instance.satisfiedClauses(parsed.assignment());
  }

  private static int countBits(String text) {
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '0' || c == '1') {
        count++;
      }
    }
    return count;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", impossible);
    }
  }
}
