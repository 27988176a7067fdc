package dev.quarry.env;

/**
 * Whether a predicted MATH answer equals the gold one. The reference ({@code _math_answers_equal})
 * tries, on LaTeX-normalised text: exact equality, then {@code sympy.simplify(a − b) == 0}, then
 * float equality within 1e-6. {@link #reference(SymbolicCheck)} reproduces the first and last step
 * natively and takes the sympy step as a plug-in.
 */
@FunctionalInterface
public interface MathAnswerEquivalence {

  boolean equivalent(String predicted, String gold);

  /**
   * The sympy step: {@code simplify(parse_expr(a) − parse_expr(b)) == 0} on normalised answers,
   * false when either does not parse.
   */
  @FunctionalInterface
  interface SymbolicCheck {
    boolean symbolicallyEqual(String normalizedPredicted, String normalizedGold);

    /** No symbolic step: answers equal only by text or as numbers. */
    SymbolicCheck NONE = (predicted, gold) -> false;
  }

  /** The reference's strategy with the given symbolic step. */
  static MathAnswerEquivalence reference(SymbolicCheck symbolic) {
    return new ReferenceMathEquivalence(symbolic);
  }

  /**
   * The reference's strategy without sympy. It disagrees with the reference exactly where sympy
   * would prove equality of differently written plain expressions ("1/2" vs "0.5", "x+1" vs "1+x").
   */
  static MathAnswerEquivalence withoutSymbolic() {
    return new ReferenceMathEquivalence(SymbolicCheck.NONE);
  }
}
