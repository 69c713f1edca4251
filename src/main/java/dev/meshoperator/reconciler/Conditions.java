package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.StatusCondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges condition updates into the previous list: conditions not set here are kept as they were,
 * and a set condition keeps its lastTransitionTime unless its status changes. So a path that knows
 * only one thing (an error, a refusal) changes only that thing.
 */
final class Conditions {

  /** Longest message written to a condition; longer ones are cut with an ellipsis. */
  static final int MAX_MESSAGE = 512;

  private final List<StatusCondition> merged;
  private final Instant now;
  private final Long generation;

  Conditions(List<StatusCondition> previous, Instant now, Long generation) {
    this.merged = new ArrayList<>(previous == null ? List.of() : previous);
    this.now = now.truncatedTo(ChronoUnit.SECONDS);
    this.generation = generation;
  }

  Conditions set(String type, boolean status, String reason, String message) {
    var c =
        new StatusCondition(
            type,
            status ? StatusCondition.TRUE : StatusCondition.FALSE,
            reason,
            bounded(message),
            generation);
    int at = indexOf(type);
    String since =
        at >= 0 && c.getStatus().equals(merged.get(at).getStatus())
            ? merged.get(at).getLastTransitionTime()
            : now.toString();
    c.setLastTransitionTime(since);
    if (at >= 0) {
      merged.set(at, c);
    } else {
      merged.add(c);
    }
    return this;
  }

  boolean has(String type) {
    return indexOf(type) >= 0;
  }

  List<StatusCondition> build() {
    return List.copyOf(merged);
  }

  private int indexOf(String type) {
    for (int i = 0; i < merged.size(); i++) {
      if (type.equals(merged.get(i).getType())) {
        return i;
      }
    }
    return -1;
  }

  /** One line of at most {@link #MAX_MESSAGE} characters: a sentence, never a stack trace. */
  static String bounded(String message) {
    if (message == null) {
      return null;
    }
    String line = message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
