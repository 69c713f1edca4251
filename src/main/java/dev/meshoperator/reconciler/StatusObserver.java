package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.ComponentStatus;
import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.config.OperatorConfig;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.IstioCrdInventory;
import dev.meshoperator.model.MeshNames;
import dev.meshoperator.model.RunningVersion;
import dev.meshoperator.webhook.WebhookCertificateManager;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a successful reconcile saw, read from the informers' caches after the workflow ran: istiod's
 * and the gateways' Deployments, the addons, whether injection works, the webhook certificate and
 * the sidecar health report. It only reads; {@link StatusUpdates} turns it into a status.
 */
final class StatusObserver {

  private final OperatorConfig config;
  private final WebhookCertificateManager certificates;

  StatusObserver(OperatorConfig config, WebhookCertificateManager certificates) {
    this.config = config;
    this.certificates = certificates;
  }

  /**
   * @param previousVersion the version the status reported so far
   * @param dependentsReady whether every dependent of the workflow is ready
   */
  StatusUpdates.Observed observe(
      ControlPlane cp,
      String previousVersion,
      List<Gateways.Gateway> gateways,
      boolean dependentsReady,
      Optional<IstioCrdInventory.Summary> crds,
      Context<MeshControlPlane> context) {
    List<ComponentStatus> components = new ArrayList<>();
    boolean istiodRolledOut = false;
    if (cp.istiodEnabled()) {
      Optional<Deployment> istiod = deployment(cp, MeshNames.istiod(cp), context);
      istiodRolledOut =
          istiod.map(dev.meshoperator.reconciler.dependent.Conditions::rolledOut).orElse(false);
      components.add(deploymentStatus(MeshNames.istiod(cp), istiod, istiodRolledOut));
    }
    var gatewayStatus =
        GatewayStatuses.of(
            gateways,
            context.getSecondaryResourcesAsStream(Deployment.class).toList(),
            context.getSecondaryResourcesAsStream(Service.class).toList());
    components.addAll(GatewayStatuses.components(gatewayStatus));
    var version =
        RunningVersion.after(previousVersion, cp.version(), cp.istiodEnabled(), istiodRolledOut);
    return new StatusUpdates.Observed(
        version.version(),
        components,
        dependentsReady && components.stream().allMatch(c -> Boolean.TRUE.equals(c.ready)),
        version.upgrading(),
        cp.version(),
        injectionReadiness(cp, context),
        certificates
            .status()
            .filter(s -> s.notAfter() != null)
            .map(s -> s.notAfter().toString())
            .orElse(null),
        AddonStatuses.of(cp, name -> deployment(cp, name, context)),
        gatewayStatus,
        crds,
        config.health().enabled()
            ? context.getSecondaryResource(HealthStatus.class)
            : Optional.empty());
  }

  /** The Deployment of that name in the control plane's namespace, as the informer sees it. */
  private static Optional<Deployment> deployment(
      ControlPlane cp, String name, Context<MeshControlPlane> context) {
    return context
        .getSecondaryResourcesAsStream(Deployment.class)
        .filter(d -> name.equals(d.getMetadata().getName()))
        .filter(d -> cp.namespace().equals(d.getMetadata().getNamespace()))
        .findFirst();
  }

  /** Why injection for this revision does not work yet, if it does not. */
  private Optional<String> injectionReadiness(ControlPlane cp, Context<MeshControlPlane> context) {
    boolean configured =
        cp.istiodEnabled()
            && context
                .getSecondaryResourcesAsStream(MutatingWebhookConfiguration.class)
                .anyMatch(m -> MeshNames.mutatingWebhook(cp).equals(m.getMetadata().getName()));
    return injectionProblem(
        cp,
        configured,
        certificates.selfSigned(),
        certificates.selfSigned() ? certificates.status() : Optional.empty());
  }

  /**
   * Why injection does not work yet, if it does not: istiod disabled, the revision's
   * MutatingWebhookConfiguration not seen, or (with a self-signed certificate, which the operator
   * itself loads) the serving certificate not loaded or failed. Pure.
   */
  static Optional<String> injectionProblem(
      ControlPlane cp,
      boolean webhookConfigured,
      boolean selfSigned,
      Optional<WebhookCertificateManager.Status> served) {
    if (!cp.istiodEnabled()) {
      return Optional.of("istiod is not enabled for this revision");
    }
    if (!webhookConfigured) {
      return Optional.of(
          "MutatingWebhookConfiguration " + MeshNames.mutatingWebhook(cp) + " is missing");
    }
    if (!selfSigned) {
      return Optional.empty();
    }
    if (served.isEmpty()) {
      return Optional.of("the webhook's serving certificate is not loaded yet");
    }
    if (served.get().error() != null) {
      return Optional.of(served.get().error());
    }
    return Optional.empty();
  }

  /** A Deployment's component status; an absent one has no replicas and is not ready. Pure. */
  static ComponentStatus deploymentStatus(
      String name, Optional<Deployment> deployment, boolean rolledOut) {
    int replicas =
        deployment
            .map(d -> d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas())
            .orElse(0);
    int ready =
        deployment
            .map(Deployment::getStatus)
            .map(s -> s.getReadyReplicas() == null ? 0 : s.getReadyReplicas())
            .orElse(0);
    String image =
        deployment
            .map(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
            .orElse(null);
    return new ComponentStatus(name, "Deployment", replicas, ready, rolledOut, image);
  }
}
