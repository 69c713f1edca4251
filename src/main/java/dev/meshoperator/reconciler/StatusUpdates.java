package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.AddonStatus;
import dev.meshoperator.api.v1alpha1.ComponentStatus;
import dev.meshoperator.api.v1alpha1.GatewayStatus;
import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.model.IstioCrdInventory;
import dev.meshoperator.model.MeshNames;
import dev.meshoperator.model.SidecarHealth;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The next status of a MeshControlPlane, as a pure function of the CR (with its current status),
 * the time and what the reconcile observed. Every path merges into the previous status: a refusal
 * or an error changes {@code Reconciled} and leaves the rest (components, the running version,
 * Ready, InjectionReady, the certificate expiry) as they were, because the running control plane
 * keeps serving while a change is refused.
 */
final class StatusUpdates {

  private StatusUpdates() {}

  /** What a successful reconcile saw. */
  record Observed(
      String runningVersion,
      List<ComponentStatus> components,
      boolean ready,
      boolean upgrading,
      String desiredVersion,
      Optional<String> injectionProblem,
      String certificateExpiry,
      List<AddonStatus> addons,
      List<GatewayStatus> gateways,
      Optional<IstioCrdInventory.Summary> istioCrds,
      Optional<HealthStatus> health) {}

  /** The spec was not applied; nothing was touched. */
  static MeshControlPlaneStatus refused(
      MeshControlPlane cr, Instant now, String reason, String message) {
    var status = carriedOver(cr);
    var conditions =
        conditions(cr, now)
            .set(MeshControlPlaneStatus.RECONCILED, false, reason, "Refused: " + message);
    if (!conditions.has(MeshControlPlaneStatus.READY)) {
      // Never installed: nothing serves, and the reason is the refusal.
      conditions.set(MeshControlPlaneStatus.READY, false, reason, "Not installed: " + message);
    }
    status.setConditions(conditions.build());
    return status;
  }

  /** Applying failed (API error, conflict, ...); what runs keeps running. */
  static MeshControlPlaneStatus failed(MeshControlPlane cr, Instant now, String message) {
    var status = carriedOver(cr);
    status.setConditions(
        conditions(cr, now)
            .set(MeshControlPlaneStatus.RECONCILED, false, "ReconcileFailed", message)
            .build());
    return status;
  }

  static MeshControlPlaneStatus reconciled(MeshControlPlane cr, Instant now, Observed o) {
    var status = new MeshControlPlaneStatus();
    status.setObservedGeneration(cr.getMetadata().getGeneration());
    status.setVersion(o.runningVersion());
    status.setRevision(MeshNames.revision(cr));
    status.setComponents(o.components());
    status.setGateways(o.gateways());
    status.setWebhookCertificateExpiry(
        o.certificateExpiry() != null ? o.certificateExpiry() : previousExpiry(cr));
    String revision = MeshNames.revision(cr);
    // An empty list is left out, so control planes without addons keep the status they had.
    status.setAddons(o.addons().isEmpty() ? null : o.addons());
    List<String> notReady = new java.util.ArrayList<>();
    o.components().stream()
        .filter(c -> !Boolean.TRUE.equals(c.ready))
        .forEach(c -> notReady.add(c.name));
    o.addons().stream()
        .filter(a -> !Boolean.TRUE.equals(a.ready))
        .forEach(a -> notReady.add(a.name));
    String running = o.runningVersion() == null ? o.desiredVersion() : o.runningVersion();
    Conditions conditions = conditions(cr, now);
    // Absent until the first report (pod cache not synced yet): the previous report stands.
    status.setHealth(o.health().orElse(cr.getStatus() == null ? null : cr.getStatus().getHealth()));
    o.health()
        .ifPresent(
            h ->
                conditions.set(
                    MeshControlPlaneStatus.SIDECARS_UP_TO_DATE,
                    h.needRestart() == 0,
                    h.needRestart() == 0 ? "SidecarsCurrent" : "PodsNeedRestart",
                    SidecarHealth.sentence(revision, h)));
    // Absent when the CRD dependent did not run this time: the previous condition stands.
    o.istioCrds()
        .ifPresent(
            crds ->
                conditions.set(
                    MeshControlPlaneStatus.ISTIO_CRDS, true, crds.reason(), crds.message()));
    status.setConditions(
        conditions
            .set(
                MeshControlPlaneStatus.RECONCILED,
                true,
                "ReconcileSucceeded",
                "All resources of revision " + revision + " applied")
            .set(
                MeshControlPlaneStatus.READY,
                o.ready(),
                o.ready() ? "ComponentsReady" : "ComponentsNotReady",
                o.ready()
                    ? "All components are ready"
                    : "Not ready: "
                        + (notReady.isEmpty() ? "dependents" : String.join(", ", notReady)))
            .set(
                MeshControlPlaneStatus.UPGRADE_IN_PROGRESS,
                o.upgrading(),
                o.upgrading() ? "RollingUpdate" : "UpToDate",
                o.upgrading()
                    ? "Rolling istiod from " + o.runningVersion() + " to " + o.desiredVersion()
                    : "Running " + running)
            .set(
                MeshControlPlaneStatus.INJECTION_READY,
                o.injectionProblem().isEmpty(),
                o.injectionProblem().isEmpty() ? "WebhookReady" : "WebhookNotReady",
                o.injectionProblem()
                    .orElse(
                        "Sidecar injection for revision "
                            + revision
                            + " is served by the operator"))
            .build());
    return status;
  }

  /** The previous status with this generation observed, ready for a condition update. */
  private static MeshControlPlaneStatus carriedOver(MeshControlPlane cr) {
    var previous = cr.getStatus();
    var status = new MeshControlPlaneStatus();
    status.setObservedGeneration(cr.getMetadata().getGeneration());
    status.setRevision(MeshNames.revision(cr));
    if (previous != null) {
      status.setVersion(previous.getVersion());
      status.setComponents(previous.getComponents() == null ? List.of() : previous.getComponents());
      status.setWebhookCertificateExpiry(previous.getWebhookCertificateExpiry());
      status.setAddons(previous.getAddons());
      status.setGateways(previous.getGateways() == null ? List.of() : previous.getGateways());
      status.setHealth(previous.getHealth());
    }
    return status;
  }

  private static String previousExpiry(MeshControlPlane cr) {
    return cr.getStatus() == null ? null : cr.getStatus().getWebhookCertificateExpiry();
  }

  private static Conditions conditions(MeshControlPlane cr, Instant now) {
    return new Conditions(
        cr.getStatus() == null ? List.of() : cr.getStatus().getConditions(),
        now,
        cr.getMetadata().getGeneration());
  }
}
