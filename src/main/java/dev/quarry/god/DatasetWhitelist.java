package dev.quarry.god;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * G.O.D's whitelist of Hugging Face datasets a miner may request, shipped with Quarry
 * ({@code dev/quarry/god/whitelisted_sft_datasets.json}), and G.O.D's rule for applying it: keep
 * exact (case-sensitive) members in the order given, then the first {@value #MAX_REQUESTED}.
 * Anything else is dropped, as validators drop it.
 */
public final class DatasetWhitelist {

  /** G.O.D's {@code MAX_REQUESTED_DATASETS}. */
  public static final int MAX_REQUESTED = 2;

  private static final String RESOURCE = "whitelisted_sft_datasets.json";

  /** The outcome of {@link #select}: what is kept and what is dropped, with why. */
  public record Selection(List<String> kept, List<String> notWhitelisted, List<String> beyondLimit) {
    public Selection {
      kept = List.copyOf(kept);
      notWhitelisted = List.copyOf(notWhitelisted);
      beyondLimit = List.copyOf(beyondLimit);
    }
  }

  private final Set<String> datasets;

  public DatasetWhitelist(List<String> datasets) {
    this.datasets = Set.copyOf(new LinkedHashSet<>(datasets));
  }

  /** The whitelist shipped with this version of Quarry. */
  public static DatasetWhitelist shipped() {
    try (InputStream in = DatasetWhitelist.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the dataset whitelist resource " + RESOURCE + " is missing from the jar");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      List<String> names = new ArrayList<>();
      root.path("datasets").forEach(name -> names.add(name.asText()));
      if (names.isEmpty()) {
        throw new IllegalStateException("the dataset whitelist resource " + RESOURCE + " lists no datasets");
      }
      return new DatasetWhitelist(names);
    } catch (IOException unreadable) {
      throw new UncheckedIOException("cannot read the dataset whitelist " + RESOURCE, unreadable);
    }
  }

  public boolean contains(String dataset) {
    return datasets.contains(dataset);
  }

  public Set<String> datasets() {
    return datasets;
  }

  /** G.O.D's {@code validate_requested_datasets}, also reporting what it drops. */
  public Selection select(List<String> requested) {
    List<String> kept = new ArrayList<>();
    List<String> notWhitelisted = new ArrayList<>();
    List<String> beyondLimit = new ArrayList<>();
    for (String dataset : requested) {
      if (!datasets.contains(dataset)) {
        notWhitelisted.add(dataset);
      } else if (kept.size() < MAX_REQUESTED) {
        kept.add(dataset);
      } else {
        beyondLimit.add(dataset);
      }
    }
    return new Selection(kept, notWhitelisted, beyondLimit);
  }

  /** A whitelisted name that differs from {@code dataset} only in case, if any (for hints). */
  public Optional<String> caseInsensitiveMatch(String dataset) {
    String lower = dataset.toLowerCase(Locale.ROOT);
    return datasets.stream().filter(name -> name.toLowerCase(Locale.ROOT).equals(lower)).sorted().findFirst();
  }
}
