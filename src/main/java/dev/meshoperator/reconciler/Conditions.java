package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.StatusCondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Builds a condition list from the previous one, keeping lastTransitionTime when unchanged. */
final class Conditions {

  private final List<StatusCondition> previous;
  private final List<StatusCondition> next = new ArrayList<>();
  private final Instant now;
  private final Long generation;

  Conditions(List<StatusCondition> previous, Instant now, Long generation) {
    this.previous = previous == null ? List.of() : previous;
    this.now = now.truncatedTo(ChronoUnit.SECONDS);
    this.generation = generation;
  }

  Conditions set(String type, boolean status, String reason, String message) {
    var c =
        new StatusCondition(
            type,
            status ? StatusCondition.TRUE : StatusCondition.FALSE,
            reason,
            message,
            generation);
    String since =
        previous.stream()
            .filter(p -> type.equals(p.getType()) && c.getStatus().equals(p.getStatus()))
            .map(StatusCondition::getLastTransitionTime)
            .findFirst()
            .orElse(now.toString());
    c.setLastTransitionTime(since);
    next.add(c);
    return this;
  }

  /** Carries a previous condition over unchanged (for example Ready while a reconcile fails). */
  Conditions keep(StatusCondition previousCondition) {
    next.add(previousCondition);
    return this;
  }

  List<StatusCondition> build() {
    return List.copyOf(next);
  }
}
