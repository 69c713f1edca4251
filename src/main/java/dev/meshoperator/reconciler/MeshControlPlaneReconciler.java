package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.model.MeshNames;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Reconciles a MeshControlPlane through a declarative workflow of one dependent per managed object;
 * {@link #reconcile} only derives status.
 */
@ControllerConfiguration(name = MeshControlPlaneReconciler.NAME)
@Workflow(dependents = {@Dependent(type = IstiodServiceAccountDependent.class)})
public class MeshControlPlaneReconciler implements Reconciler<MeshControlPlane> {

  public static final String NAME = "meshcontrolplane";
  private static final Logger LOG = Logger.getLogger(MeshControlPlaneReconciler.class);

  private final Clock clock;

  public MeshControlPlaneReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public UpdateControl<MeshControlPlane> reconcile(
      MeshControlPlane cr, Context<MeshControlPlane> context) {
    var status = baseStatus(cr);
    status.setConditions(
        new Conditions(previousConditions(cr), clock.instant(), cr.getMetadata().getGeneration())
            .set(
                MeshControlPlaneStatus.RECONCILED,
                true,
                "ReconcileSucceeded",
                "All resources applied")
            .build());
    return patchIfChanged(cr, status);
  }

  @Override
  public ErrorStatusUpdateControl<MeshControlPlane> updateErrorStatus(
      MeshControlPlane cr, Context<MeshControlPlane> context, Exception e) {
    LOG.warnf(
        e, "Reconciling %s/%s failed", cr.getMetadata().getNamespace(), cr.getMetadata().getName());
    var status = baseStatus(cr);
    status.setConditions(
        new Conditions(previousConditions(cr), clock.instant(), cr.getMetadata().getGeneration())
            .set(MeshControlPlaneStatus.RECONCILED, false, "ReconcileFailed", rootMessage(e))
            .build());
    if (Objects.equals(status, cr.getStatus())) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    return ErrorStatusUpdateControl.patchStatus(statusPatch(cr, status));
  }

  private static MeshControlPlaneStatus baseStatus(MeshControlPlane cr) {
    var status = new MeshControlPlaneStatus();
    status.setObservedGeneration(cr.getMetadata().getGeneration());
    status.setVersion(cr.getSpec().getVersion());
    status.setRevision(MeshNames.revision(cr));
    return status;
  }

  private static java.util.List<dev.meshoperator.api.v1alpha1.StatusCondition> previousConditions(
      MeshControlPlane cr) {
    return cr.getStatus() == null ? new ArrayList<>() : cr.getStatus().getConditions();
  }

  /** Status is written only when it changed, so a steady state causes no writes. */
  private static UpdateControl<MeshControlPlane> patchIfChanged(
      MeshControlPlane cr, MeshControlPlaneStatus status) {
    if (Objects.equals(status, cr.getStatus())) {
      return UpdateControl.noUpdate();
    }
    return UpdateControl.patchStatus(statusPatch(cr, status));
  }

  /** A fresh object holding only identity and status, as server-side apply of status expects. */
  private static MeshControlPlane statusPatch(MeshControlPlane cr, MeshControlPlaneStatus status) {
    var patch = new MeshControlPlane();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(cr.getMetadata().getName())
            .withNamespace(cr.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return patch;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
