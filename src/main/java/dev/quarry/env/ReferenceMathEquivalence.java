package dev.quarry.env;

import dev.quarry.grail.protocol.python.PythonFloats;
import java.util.Objects;

/** {@code _math_answers_equal}: normalised exact match, then the symbolic step, then floats within 1e-6. */
final class ReferenceMathEquivalence implements MathAnswerEquivalence {

  private final SymbolicCheck symbolic;

  ReferenceMathEquivalence(SymbolicCheck symbolic) {
    this.symbolic = Objects.requireNonNull(symbolic, "symbolic");
  }

  @Override
  public boolean equivalent(String predicted, String gold) {
    if (predicted == null || predicted.isEmpty() || gold == null || gold.isEmpty()) {
      return false;
    }
    String predictedNormalized = LatexAnswers.normalize(predicted);
    String goldNormalized = LatexAnswers.normalize(gold);
    if (predictedNormalized.equals(goldNormalized)) {
      return true;
    }
    try {
      if (symbolic.symbolicallyEqual(predictedNormalized, goldNormalized)) {
        return true;
      }
    } catch (UnscorableCompletionException raisedByReference) {
      // Not every exception: a BaseException such as SystemExit escapes the reference's step.
      throw raisedByReference;
    } catch (RuntimeException failed) {
      // The reference swallows every Exception of the sympy step.
    }
    Double predictedValue = PythonFloats.parse(predictedNormalized);
    Double goldValue = PythonFloats.parse(goldNormalized);
    return predictedValue != null && goldValue != null && Math.abs(predictedValue - goldValue) < 1e-6;
  }
}
