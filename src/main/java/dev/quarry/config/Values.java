package dev.quarry.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Parsers for variable values. Each throws {@link IllegalArgumentException} with a message that
 * says what was expected; the message never repeats the value (the caller adds it for non-secret
 * variables), so a parser is safe to use on secrets.
 */
final class Values {

  private Values() {}

  static int integer(String value, int min, int max) {
    int parsed;
    try {
      parsed = Integer.parseInt(value.trim());
    } catch (NumberFormatException notANumber) {
      throw new IllegalArgumentException("is not a whole number");
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException("must be between " + min + " and " + max);
    }
    return parsed;
  }

  static double decimal(String value, double min, double max) {
    double parsed;
    try {
      parsed = Double.parseDouble(value.trim());
    } catch (NumberFormatException notANumber) {
      throw new IllegalArgumentException("is not a number");
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new IllegalArgumentException("must be between " + min + " and " + max);
    }
    return parsed;
  }

  /** Seconds, fractional allowed (Grail reads these with {@code float()}). */
  static Duration seconds(String value, double min, double max) {
    double parsed;
    try {
      parsed = decimal(value, min, max);
    } catch (IllegalArgumentException bad) {
      throw new IllegalArgumentException(bad.getMessage() + " of seconds");
    }
    return Duration.ofNanos(Math.round(parsed * 1_000_000_000d));
  }

  /** true/false in the spellings Grail accepts ({@code 1/0, yes/no, on/off}), any case. */
  static boolean bool(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes", "on" -> {
        return true;
      }
      case "0", "false", "no", "off" -> {
        return false;
      }
      default -> throw new IllegalArgumentException("is not true or false");
    }
  }

  static String oneOf(String value, Set<String> allowed) {
    String normalized = value.trim().toLowerCase(Locale.ROOT);
    if (!allowed.contains(normalized)) {
      throw new IllegalArgumentException("must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
    }
    return normalized;
  }

  static URI uri(String value, Set<String> schemes) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException malformed) {
      throw new IllegalArgumentException("is not a valid URL");
    }
    if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT)) || uri.getHost() == null) {
      throw new IllegalArgumentException("must be a URL starting with " + String.join(" or ", schemes.stream().sorted().map(s -> s + "://").toList()) + " and naming a host");
    }
    return uri;
  }

  /** A path; a leading {@code ~} is the user's home, as in Grail ({@code Path.expanduser}). */
  static Path path(String value, Path home) {
    String trimmed = value.trim();
    if (trimmed.equals("~")) {
      return home;
    }
    if (trimmed.startsWith("~/")) {
      return home.resolve(trimmed.substring(2));
    }
    try {
      return Path.of(trimmed);
    } catch (java.nio.file.InvalidPathException invalid) {
      throw new IllegalArgumentException("is not a valid path");
    }
  }

  /** A comma-separated list; blanks around items are dropped, empty items rejected. */
  static <T> List<T> list(String value, Function<String, T> item) {
    List<T> items = new ArrayList<>();
    String[] parts = value.split(",", -1);
    for (int index = 0; index < parts.length; index++) {
      String part = parts[index].trim();
      if (part.isEmpty()) {
        throw new IllegalArgumentException("has an empty item at position " + (index + 1) + " of the comma-separated list");
      }
      try {
        items.add(item.apply(part));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("item " + (index + 1) + " (" + part + ") " + bad.getMessage());
      }
    }
    return items;
  }

  /** host:port, as used for seed nodes. */
  static HostPort hostPort(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("must be host:port");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!host.matches("[A-Za-z0-9.:_-]+")) {
      throw new IllegalArgumentException("has an invalid host name");
    }
    return new HostPort(host, integer(value.substring(colon + 1), 1, 65535));
  }

  record HostPort(String host, int port) {}

  /** A host name or IP address to bind to or advertise. */
  static String host(String value) {
    String trimmed = value.trim();
    if (!trimmed.matches("[A-Za-z0-9.:_\\[\\]-]+")) {
      throw new IllegalArgumentException("is not a host name or IP address");
    }
    return trimmed;
  }

  /** Levenshtein distance, for "did you mean" hints on misspelt variable names. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
