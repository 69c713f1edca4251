package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Kubernetes Events a status change deserves: one per condition whose status or reason changed
 * (a new message alone is no event, so a steady state emits nothing). Pure.
 */
final class ConditionEvents {

  private ConditionEvents() {}

  /** One Event: a Warning, or a Normal one. */
  record Event(boolean warning, String reason, String message) {}

  /**
   * The events for going from {@code previous} (null before the first status) to {@code next}, in
   * the order of next's conditions. A condition turning False is a warning, except an upgrade not
   * (or no longer) in progress and components that are merely not ready yet.
   */
  static List<Event> of(MeshControlPlaneStatus previous, MeshControlPlaneStatus next) {
    List<Event> out = new ArrayList<>();
    for (StatusCondition c : next.getConditions()) {
      Optional<StatusCondition> before =
          previous == null ? Optional.empty() : previous.condition(c.getType());
      boolean changed =
          before.isEmpty()
              || !Objects.equals(before.get().getStatus(), c.getStatus())
              || !Objects.equals(before.get().getReason(), c.getReason());
      if (!changed) {
        continue;
      }
      boolean bad =
          StatusCondition.FALSE.equals(c.getStatus())
              && !MeshControlPlaneStatus.UPGRADE_IN_PROGRESS.equals(c.getType())
              && !"ComponentsNotReady".equals(c.getReason());
      out.add(new Event(bad, c.getReason(), c.getMessage()));
    }
    return out;
  }
}
