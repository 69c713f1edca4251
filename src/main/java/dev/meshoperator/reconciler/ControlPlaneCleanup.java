package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.MeshNames;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What garbage collection cannot do when a MeshControlPlane is deleted. Every managed object,
 * cluster-scoped ones included, is owned by the (cluster-scoped) CR and goes with it; left are the
 * mesh CA root in the operator's namespace, shared by the control planes of one mesh namespace, and
 * Istio's CRDs, shared by all control planes and deleted only on request, and the GatewayClasses
 * istiod made (no owner), deleted with the last control plane.
 */
@ApplicationScoped
public class ControlPlaneCleanup {

  private static final Logger LOG = Logger.getLogger(ControlPlaneCleanup.class);

  /** While the last control plane's istiod is stopping, cleanup looks again this often. */
  static final Duration ISTIOD_STOP_CHECK = Duration.ofSeconds(2);

  private final EventRecorder events;
  private final MeshCaSecrets meshCa;
  private final IstioCrdPurge crds;
  private final GatewayClassCleanup gatewayClasses;

  public ControlPlaneCleanup(
      EventRecorder events,
      MeshCaSecrets meshCa,
      IstioCrdPurge crds,
      GatewayClassCleanup gatewayClasses) {
    this.events = events;
    this.meshCa = meshCa;
    this.crds = crds;
    this.gatewayClasses = gatewayClasses;
  }

  /**
   * What the deletion of one control plane shares with the others. Pure.
   *
   * @param last every other control plane is being deleted too: the shared GatewayClasses go
   * @param caShared this control plane uses the operator's mesh CA and another one of the same mesh
   *     namespace does too: the root stays
   * @param remaining the control planes not being deleted, by name: while any is left, Istio's CRDs
   *     stay whatever {@code purgeIstioCrdsOnDelete} says
   */
  record Plan(boolean last, boolean caShared, List<String> remaining) {

    /** {@code all} is every MeshControlPlane the cache holds; {@code cr} among them or not. */
    static Plan of(MeshControlPlane cr, List<MeshControlPlane> all) {
      List<MeshControlPlane> others =
          all.stream()
              .filter(o -> !o.getMetadata().getUid().equals(cr.getMetadata().getUid()))
              .toList();
      return new Plan(
          others.stream().allMatch(o -> o.getMetadata().getDeletionTimestamp() != null),
          MeshCaSecrets.wanted(cr)
              && others.stream()
                  .anyMatch(
                      o ->
                          MeshNames.namespace(o).equals(MeshNames.namespace(cr))
                              && MeshCaSecrets.wanted(o)),
          others.stream()
              .filter(o -> o.getMetadata().getDeletionTimestamp() == null)
              .map(o -> o.getMetadata().getName())
              .toList());
    }
  }

  /**
   * The cleanup sequence: for the last control plane, istiod stopped first (it would recreate the
   * GatewayClasses); then the mesh CA root unless shared, the GatewayClasses with the last one, and
   * Istio's CRDs if asked and nobody else uses them.
   */
  DeleteControl cleanup(MeshControlPlane cr, List<MeshControlPlane> all) {
    Plan plan = Plan.of(cr, all);
    if (plan.last() && !gatewayClasses.istiodStopped(cr)) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(ISTIOD_STOP_CHECK.toMillis());
    }
    if (MeshCaSecrets.wanted(cr)) {
      meshCa.cleanup(cr, plan.caShared());
    }
    if (plan.last()) {
      int classes = gatewayClasses.deleteIstiodClasses();
      LOG.infof("Deleted %d GatewayClasses istiod had created", classes);
    }
    if (cr.getSpec() != null && Boolean.TRUE.equals(cr.getSpec().purgeIstioCrdsOnDelete)) {
      if (plan.remaining().isEmpty()) {
        int deleted = crds.purge();
        LOG.infof(
            "Purged %d Istio CRDs with MeshControlPlane %s", deleted, cr.getMetadata().getName());
      } else {
        events.warning(
            cr,
            "IstioCrdsKept",
            "purgeIstioCrdsOnDelete is set, but Istio's CRDs are kept: still used by MeshControlPlane "
                + String.join(", ", plan.remaining()));
      }
    }
    LOG.infof("Cleaned up MeshControlPlane %s", cr.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }
}
