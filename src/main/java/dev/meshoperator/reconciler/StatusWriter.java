package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.Objects;

/**
 * Writes a MeshControlPlane's next status: Events for the conditions that changed, then a status
 * patch only when the status changed, so a steady state causes no writes.
 */
final class StatusWriter {

  private final EventRecorder events;

  StatusWriter(EventRecorder events) {
    this.events = events;
  }

  /** The update control of a reconcile that derived {@code status}. */
  UpdateControl<MeshControlPlane> write(MeshControlPlane cr, MeshControlPlaneStatus status) {
    emitOnTransition(cr, status);
    if (Objects.equals(status, cr.getStatus())) {
      return UpdateControl.noUpdate();
    }
    return UpdateControl.patchStatus(statusPatch(cr, status));
  }

  /** The error control of a reconcile that failed, its status derived from the failure. */
  ErrorStatusUpdateControl<MeshControlPlane> writeError(
      MeshControlPlane cr, MeshControlPlaneStatus status) {
    emitOnTransition(cr, status);
    if (Objects.equals(status, cr.getStatus())) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    return ErrorStatusUpdateControl.patchStatus(statusPatch(cr, status));
  }

  private void emitOnTransition(MeshControlPlane cr, MeshControlPlaneStatus next) {
    for (ConditionEvents.Event e : ConditionEvents.of(cr.getStatus(), next)) {
      if (e.warning()) {
        events.warning(cr, e.reason(), e.message());
      } else {
        events.normal(cr, e.reason(), e.message());
      }
    }
  }

  /** A fresh object holding only identity and status, as server-side apply of status expects. */
  private static MeshControlPlane statusPatch(MeshControlPlane cr, MeshControlPlaneStatus status) {
    var patch = new MeshControlPlane();
    patch.setMetadata(new ObjectMetaBuilder().withName(cr.getMetadata().getName()).build());
    patch.setStatus(status);
    return patch;
  }

  /** The innermost cause's message (or its class when it has none): what a condition shows. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
