package dev.quarry.env;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A 3-SAT instance as the SAT environment builds it.
 *
 * @param seedMaterial the decimal seed text the instance was derived from
 * @param difficulty {@code 0.3 + (seed % 100) / 250}
 * @param numVars variables x1..xN
 * @param clauses literals per clause; negative = negated variable
 */
public record SatInstance(String seedMaterial, double difficulty, int numVars, List<int[]> clauses) implements ProblemDetails {

  public SatInstance {
    Objects.requireNonNull(seedMaterial, "seedMaterial");
    List<int[]> copy = new ArrayList<>(clauses.size());
    for (int[] clause : clauses) {
      copy.add(clause.clone());
    }
    clauses = List.copyOf(copy);
  }

  /** Whether the assignment (index i = x(i+1)) satisfies every clause; false if its length differs. */
  public boolean isSatisfiedBy(boolean[] assignment) {
    if (assignment.length != numVars) {
      return false;
    }
    return satisfiedClauses(assignment) == clauses.size();
  }

  /** Clauses the assignment satisfies (0 unless it has exactly {@code numVars} values). */
  public int satisfiedClauses(boolean[] assignment) {
    if (assignment.length != numVars) {
      return 0;
    }
    int satisfied = 0;
    for (int[] clause : clauses) {
      for (int literal : clause) {
        boolean value = assignment[Math.abs(literal) - 1];
        if ((literal > 0 && value) || (literal < 0 && !value)) {
          satisfied++;
          break;
        }
      }
    }
    return satisfied;
  }

  /** The clauses as lists (for JSON output). */
  public List<List<Integer>> clauseLists() {
    List<List<Integer>> lists = new ArrayList<>(clauses.size());
    for (int[] clause : clauses) {
      lists.add(Arrays.stream(clause).boxed().toList());
    }
    return lists;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof SatInstance that)) {
      return false;
    }
    if (!seedMaterial.equals(that.seedMaterial) || difficulty != that.difficulty || numVars != that.numVars
        || clauses.size() != that.clauses.size()) {
      return false;
    }
    for (int i = 0; i < clauses.size(); i++) {
      if (!Arrays.equals(clauses.get(i), that.clauses.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = Objects.hash(seedMaterial, difficulty, numVars);
    for (int[] clause : clauses) {
      hash = 31 * hash + Arrays.hashCode(clause);
    }
    return hash;
  }

  @Override
  public String toString() {
    return "SatInstance[seed=" + seedMaterial + ", vars=" + numVars + ", clauses=" + clauseLists() + "]";
  }
}
