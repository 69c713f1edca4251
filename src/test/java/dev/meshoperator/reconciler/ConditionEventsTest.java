package dev.meshoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events only on a condition's transition; warnings only for what is wrong. */
class ConditionEventsTest {

  private static StatusCondition condition(
      String type, boolean status, String reason, String message) {
    return new StatusCondition(
        type, status ? StatusCondition.TRUE : StatusCondition.FALSE, reason, message, 1L);
  }

  private static MeshControlPlaneStatus status(StatusCondition... conditions) {
    var s = new MeshControlPlaneStatus();
    s.setConditions(Arrays.asList(conditions));
    return s;
  }

  @Test
  void everyConditionOfAFirstStatusIsAnEvent() {
    var next =
        status(
            condition(MeshControlPlaneStatus.RECONCILED, true, "ReconcileSucceeded", "applied"),
            condition(MeshControlPlaneStatus.READY, false, "ComponentsNotReady", "Not ready: x"),
            condition(MeshControlPlaneStatus.UPGRADE_IN_PROGRESS, false, "UpToDate", "Running"));
    assertThat(ConditionEvents.of(null, next))
        .containsExactly(
            new ConditionEvents.Event(false, "ReconcileSucceeded", "applied"),
            new ConditionEvents.Event(false, "ComponentsNotReady", "Not ready: x"),
            new ConditionEvents.Event(false, "UpToDate", "Running"));
  }

  @Test
  void aFalseConditionIsAWarning() {
    var next =
        status(
            condition(MeshControlPlaneStatus.RECONCILED, false, "VersionRefused", "Refused: x"),
            condition(MeshControlPlaneStatus.INJECTION_READY, false, "WebhookNotReady", "y"));
    assertThat(ConditionEvents.of(null, next))
        .containsExactly(
            new ConditionEvents.Event(true, "VersionRefused", "Refused: x"),
            new ConditionEvents.Event(true, "WebhookNotReady", "y"));
  }

  @Test
  void aSteadyStateOrANewMessageAloneIsNoEvent() {
    var before =
        status(
            condition(MeshControlPlaneStatus.READY, false, "ComponentsNotReady", "Not ready: a"));
    var next =
        status(
            condition(MeshControlPlaneStatus.READY, false, "ComponentsNotReady", "Not ready: b"));
    assertThat(ConditionEvents.of(before, before)).isEmpty();
    assertThat(ConditionEvents.of(before, next)).isEmpty();
  }

  @Test
  void aChangedStatusOrReasonIsAnEvent() {
    var before =
        status(
            condition(MeshControlPlaneStatus.READY, false, "ComponentsNotReady", "Not ready: a"),
            condition(MeshControlPlaneStatus.RECONCILED, false, "ReconcileFailed", "boom"));
    var next =
        status(
            condition(MeshControlPlaneStatus.READY, true, "ComponentsReady", "ready"),
            condition(MeshControlPlaneStatus.RECONCILED, false, "VersionRefused", "Refused"));
    assertThat(ConditionEvents.of(before, next))
        .isEqualTo(
            List.of(
                new ConditionEvents.Event(false, "ComponentsReady", "ready"),
                new ConditionEvents.Event(true, "VersionRefused", "Refused")));
  }

  @Test
  void rootMessageIsTheInnermostCause() {
    var inner = new IllegalStateException("quota exceeded");
    assertThat(StatusWriter.rootMessage(new RuntimeException("wrapped", inner)))
        .isEqualTo("quota exceeded");
    assertThat(StatusWriter.rootMessage(new RuntimeException("outer", new NullPointerException())))
        .isEqualTo("NullPointerException");
  }
}
