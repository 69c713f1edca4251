package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.config.OperatorConfig;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.IstioCrdInventory;
import dev.meshoperator.model.SpecRefusals;
import dev.meshoperator.reconciler.dependent.Conditions.DeploymentReady;
import dev.meshoperator.reconciler.dependent.Conditions.IstiodAutoscaled;
import dev.meshoperator.reconciler.dependent.Conditions.IstiodDisruptionBudgeted;
import dev.meshoperator.reconciler.dependent.Conditions.IstiodEnabled;
import dev.meshoperator.reconciler.dependent.GatewayApiGatewaysDependent;
import dev.meshoperator.reconciler.dependent.GatewayAutoscalersDependent;
import dev.meshoperator.reconciler.dependent.GatewayControllerClusterRoleBindingDependent;
import dev.meshoperator.reconciler.dependent.GatewayControllerClusterRoleDependent;
import dev.meshoperator.reconciler.dependent.GatewayDeploymentsDependent;
import dev.meshoperator.reconciler.dependent.GatewayDisruptionBudgetsDependent;
import dev.meshoperator.reconciler.dependent.GatewayRoleBindingsDependent;
import dev.meshoperator.reconciler.dependent.GatewayServiceAccountsDependent;
import dev.meshoperator.reconciler.dependent.GatewayServicesDependent;
import dev.meshoperator.reconciler.dependent.InjectorWebhookDependent;
import dev.meshoperator.reconciler.dependent.IstioCrdsDependent;
import dev.meshoperator.reconciler.dependent.IstiodAutoscalerDependent;
import dev.meshoperator.reconciler.dependent.IstiodClusterRoleBindingDependent;
import dev.meshoperator.reconciler.dependent.IstiodClusterRoleDependent;
import dev.meshoperator.reconciler.dependent.IstiodDeploymentDependent;
import dev.meshoperator.reconciler.dependent.IstiodDisruptionBudgetDependent;
import dev.meshoperator.reconciler.dependent.IstiodRoleBindingDependent;
import dev.meshoperator.reconciler.dependent.IstiodRoleDependent;
import dev.meshoperator.reconciler.dependent.IstiodSecretsReaderBindingDependent;
import dev.meshoperator.reconciler.dependent.IstiodSecretsRoleBindingDependent;
import dev.meshoperator.reconciler.dependent.IstiodServiceAccountDependent;
import dev.meshoperator.reconciler.dependent.IstiodServiceDependent;
import dev.meshoperator.reconciler.dependent.IstiodValidatingWebhookDependent;
import dev.meshoperator.reconciler.dependent.KubeGatewayDeploymentsDependent;
import dev.meshoperator.reconciler.dependent.KubeGatewayServiceAccountsDependent;
import dev.meshoperator.reconciler.dependent.KubeGatewayServicesDependent;
import dev.meshoperator.reconciler.dependent.MeshConfigMapDependent;
import dev.meshoperator.reconciler.dependent.ReaderClusterRoleBindingDependent;
import dev.meshoperator.reconciler.dependent.ReaderClusterRoleDependent;
import dev.meshoperator.reconciler.dependent.ReaderServiceAccountDependent;
import dev.meshoperator.reconciler.dependent.addons.AddonConditions;
import dev.meshoperator.reconciler.dependent.addons.GrafanaDependents;
import dev.meshoperator.reconciler.dependent.addons.JaegerDependents;
import dev.meshoperator.reconciler.dependent.addons.KialiDependents;
import dev.meshoperator.reconciler.dependent.addons.PrometheusDependents;
import dev.meshoperator.webhook.WebhookCertificateManager;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reconciles a MeshControlPlane. The spec is checked first ({@link SpecRefusals}: supported
 * version, no downgrade by more than one minor, namespaces the operator may use); only then does
 * the workflow of dependents (one per managed object, applied with server-side apply) run. {@link
 * #reconcile} otherwise only derives status: {@link StatusObserver} reads what the workflow left,
 * {@link StatusUpdates} derives the status and {@link StatusWriter} writes it. Deletion is {@link
 * ControlPlaneCleanup}'s.
 */
@ControllerConfiguration(name = MeshControlPlaneReconciler.NAME)
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "istio-crds", type = IstioCrdsDependent.class),
      @Dependent(
          name = "istiod-serviceaccount",
          type = IstiodServiceAccountDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "istio-reader-serviceaccount",
          type = ReaderServiceAccountDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "istiod-role",
          type = IstiodRoleDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "istiod-rolebinding",
          type = IstiodRoleBindingDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          // The apiserver checks a binding against its role's rules: the role must exist.
          dependsOn = "istiod-role"),
      @Dependent(
          name = "istiod-clusterrole",
          type = IstiodClusterRoleDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "istiod-clusterrolebinding",
          type = IstiodClusterRoleBindingDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          // The apiserver checks a binding against its role's rules: the role must exist.
          dependsOn = "istiod-clusterrole"),
      @Dependent(
          name = "gateway-controller-clusterrole",
          type = GatewayControllerClusterRoleDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "gateway-controller-clusterrolebinding",
          type = GatewayControllerClusterRoleBindingDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          // The apiserver checks a binding against its role's rules: the role must exist.
          dependsOn = "gateway-controller-clusterrole"),
      @Dependent(
          name = "reader-clusterrole",
          type = ReaderClusterRoleDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "reader-clusterrolebinding",
          type = ReaderClusterRoleBindingDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          // The apiserver checks a binding against its role's rules: the role must exist.
          dependsOn = "reader-clusterrole"),
      @Dependent(
          name = "istiod-secrets-reader-binding",
          type = IstiodSecretsReaderBindingDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "istiod-secrets-rolebinding",
          type = IstiodSecretsRoleBindingDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "mesh-configmap",
          type = MeshConfigMapDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "istiod-service",
          type = IstiodServiceDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "istiod-deployment",
          type = IstiodDeploymentDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          readyPostcondition = DeploymentReady.class,
          dependsOn = {
            "istio-crds",
            "istiod-serviceaccount",
            "mesh-configmap",
            "istiod-rolebinding",
            "istiod-clusterrolebinding",
            "istiod-secrets-reader-binding",
            "istiod-secrets-rolebinding"
          }),
      @Dependent(
          name = "istiod-hpa",
          type = IstiodAutoscalerDependent.class,
          reconcilePrecondition = IstiodAutoscaled.class),
      @Dependent(
          name = "istiod-pdb",
          type = IstiodDisruptionBudgetDependent.class,
          reconcilePrecondition = IstiodDisruptionBudgeted.class),
      @Dependent(
          name = "injector-webhook",
          type = InjectorWebhookDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "istiod-validatingwebhook",
          type = IstiodValidatingWebhookDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      // Addons: one dependent per object, each gated by its addon's precondition.
      @Dependent(
          name = "prometheus-serviceaccount",
          type = PrometheusDependents.ServiceAccountDependent.class,
          reconcilePrecondition = AddonConditions.PrometheusEnabled.class),
      @Dependent(
          name = "prometheus-clusterrole",
          type = PrometheusDependents.ClusterRoleDependent.class,
          reconcilePrecondition = AddonConditions.PrometheusEnabled.class),
      @Dependent(
          name = "prometheus-clusterrolebinding",
          type = PrometheusDependents.ClusterRoleBindingDependent.class,
          reconcilePrecondition = AddonConditions.PrometheusEnabled.class),
      @Dependent(
          name = "prometheus-configmap",
          type = PrometheusDependents.ConfigMapDependent.class,
          reconcilePrecondition = AddonConditions.PrometheusEnabled.class),
      @Dependent(
          name = "prometheus-deployment",
          type = PrometheusDependents.DeploymentDependent.class,
          reconcilePrecondition = AddonConditions.PrometheusEnabled.class,
          readyPostcondition = DeploymentReady.class,
          dependsOn = {
            "prometheus-serviceaccount",
            "prometheus-clusterrolebinding",
            "prometheus-configmap"
          }),
      @Dependent(
          name = "prometheus-service",
          type = PrometheusDependents.ServiceDependent.class,
          reconcilePrecondition = AddonConditions.PrometheusEnabled.class),
      @Dependent(
          name = "grafana-serviceaccount",
          type = GrafanaDependents.ServiceAccountDependent.class,
          reconcilePrecondition = AddonConditions.GrafanaEnabled.class),
      @Dependent(
          name = "grafana-configmap",
          type = GrafanaDependents.ConfigMapDependent.class,
          reconcilePrecondition = AddonConditions.GrafanaEnabled.class),
      @Dependent(
          name = "grafana-dashboards",
          type = GrafanaDependents.DashboardsDependent.class,
          reconcilePrecondition = AddonConditions.GrafanaEnabled.class),
      @Dependent(
          name = "grafana-deployment",
          type = GrafanaDependents.DeploymentDependent.class,
          reconcilePrecondition = AddonConditions.GrafanaEnabled.class,
          readyPostcondition = DeploymentReady.class,
          dependsOn = {"grafana-serviceaccount", "grafana-configmap", "grafana-dashboards"}),
      @Dependent(
          name = "grafana-service",
          type = GrafanaDependents.ServiceDependent.class,
          reconcilePrecondition = AddonConditions.GrafanaEnabled.class),
      @Dependent(
          name = "kiali-serviceaccount",
          type = KialiDependents.ServiceAccountDependent.class,
          reconcilePrecondition = AddonConditions.KialiEnabled.class),
      @Dependent(
          name = "kiali-clusterrole",
          type = KialiDependents.ClusterRoleDependent.class,
          reconcilePrecondition = AddonConditions.KialiEnabled.class),
      @Dependent(
          name = "kiali-clusterrolebinding",
          type = KialiDependents.ClusterRoleBindingDependent.class,
          reconcilePrecondition = AddonConditions.KialiEnabled.class),
      @Dependent(
          name = "kiali-configmap",
          type = KialiDependents.ConfigMapDependent.class,
          reconcilePrecondition = AddonConditions.KialiEnabled.class),
      @Dependent(
          name = "kiali-deployment",
          type = KialiDependents.DeploymentDependent.class,
          reconcilePrecondition = AddonConditions.KialiEnabled.class,
          readyPostcondition = DeploymentReady.class,
          dependsOn = {"kiali-serviceaccount", "kiali-clusterrolebinding", "kiali-configmap"}),
      @Dependent(
          name = "kiali-service",
          type = KialiDependents.ServiceDependent.class,
          reconcilePrecondition = AddonConditions.KialiEnabled.class),
      @Dependent(
          name = "jaeger-serviceaccount",
          type = JaegerDependents.ServiceAccountDependent.class,
          reconcilePrecondition = AddonConditions.JaegerEnabled.class),
      @Dependent(
          name = "jaeger-configmap",
          type = JaegerDependents.ConfigMapDependent.class,
          reconcilePrecondition = AddonConditions.JaegerEnabled.class),
      @Dependent(
          name = "jaeger-deployment",
          type = JaegerDependents.DeploymentDependent.class,
          reconcilePrecondition = AddonConditions.JaegerEnabled.class,
          readyPostcondition = DeploymentReady.class,
          dependsOn = {"jaeger-serviceaccount", "jaeger-configmap"}),
      @Dependent(
          name = "jaeger-tracing-service",
          type = JaegerDependents.TracingServiceDependent.class,
          reconcilePrecondition = AddonConditions.JaegerEnabled.class),
      @Dependent(
          name = "jaeger-collector-service",
          type = JaegerDependents.CollectorServiceDependent.class,
          reconcilePrecondition = AddonConditions.JaegerEnabled.class),
      // Gateways (spec.gateways and the profile's), one bulk dependent per kind. Their pods are
      // created only once istiod is ready and the injector's webhook exists: an uninjected
      // gateway pod keeps its placeholder image "auto" and never runs.
      @Dependent(
          name = "gateway-serviceaccounts",
          type = GatewayServiceAccountsDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "gateway-rolebindings",
          type = GatewayRoleBindingsDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          dependsOn = "gateway-serviceaccounts"),
      @Dependent(
          name = "gateway-services",
          type = GatewayServicesDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "gateway-deployments",
          type = GatewayDeploymentsDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          dependsOn = {"gateway-serviceaccounts", "istiod-deployment", "injector-webhook"}),
      @Dependent(
          name = "gateway-hpas",
          type = GatewayAutoscalersDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          dependsOn = "gateway-deployments"),
      @Dependent(
          name = "gateway-pdbs",
          type = GatewayDisruptionBudgetsDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          dependsOn = "gateway-deployments"),
      // Gateway API gateways of class istio: the Gateways' informer exists only while the Gateway
      // API CRDs do; the operator deploys what istiod's (disabled) deployment controller would.
      @Dependent(
          name = "gatewayapi-gateways",
          type = GatewayApiGatewaysDependent.class,
          activationCondition = GatewayApiGatewaysDependent.GatewayApiPresent.class),
      @Dependent(
          name = "kube-gateway-serviceaccounts",
          type = KubeGatewayServiceAccountsDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "kube-gateway-services",
          type = KubeGatewayServicesDependent.class,
          reconcilePrecondition = IstiodEnabled.class),
      @Dependent(
          name = "kube-gateway-deployments",
          type = KubeGatewayDeploymentsDependent.class,
          reconcilePrecondition = IstiodEnabled.class,
          dependsOn = {"kube-gateway-serviceaccounts", "istiod-deployment", "injector-webhook"}),
    })
public class MeshControlPlaneReconciler
    implements Reconciler<MeshControlPlane>, Cleaner<MeshControlPlane> {

  public static final String NAME = "meshcontrolplane";
  private static final Logger LOG = Logger.getLogger(MeshControlPlaneReconciler.class);

  private final Clock clock;
  private final OperatorConfig config;
  private final MeshCaSecrets meshCa;
  private final ControlPlaneNamespaces namespaces;
  private final PodHealth health;
  private final ControlPlaneCleanup cleanup;
  private final StatusObserver observer;
  private final StatusWriter statusWriter;

  public MeshControlPlaneReconciler(
      Clock clock,
      EventRecorder events,
      OperatorConfig config,
      WebhookCertificateManager certificates,
      MeshCaSecrets meshCa,
      ControlPlaneNamespaces namespaces,
      PodHealth health,
      ControlPlaneCleanup cleanup) {
    this.clock = clock;
    this.config = config;
    this.meshCa = meshCa;
    this.namespaces = namespaces;
    this.health = health;
    this.cleanup = cleanup;
    this.observer = new StatusObserver(config, certificates);
    this.statusWriter = new StatusWriter(events);
  }

  /** See {@link ControlPlaneEventSources}. */
  @Override
  public List<EventSource<?, MeshControlPlane>> prepareEventSources(
      EventSourceContext<MeshControlPlane> context) {
    return ControlPlaneEventSources.of(context, config, health);
  }

  /**
   * Refuses a spec that must not be applied (see {@link SpecRefusals}); otherwise makes the
   * namespaces and the mesh CA, runs the workflow and derives the status from what it sees.
   */
  @Override
  public UpdateControl<MeshControlPlane> reconcile(
      MeshControlPlane cr, Context<MeshControlPlane> context) {
    ControlPlane cp = ControlPlane.of(cr);
    String running = cr.getStatus() == null ? null : cr.getStatus().getVersion();

    Optional<SpecRefusals.Refusal> refusal = SpecRefusals.of(cr, cp, running, config.namespace());
    if (refusal.isPresent()) {
      // Nothing was applied: a spec change triggers the next attempt, so no retry storm.
      return statusWriter.write(
          cr,
          StatusUpdates.refused(
              cr, clock.instant(), refusal.get().reason(), refusal.get().message()));
    }

    namespaces.ensure(cp.namespace());
    List<Gateways.Gateway> gateways = cp.istiodEnabled() ? Gateways.of(cr) : List.of();
    gateways.stream()
        .map(Gateways.Gateway::namespace)
        .distinct()
        .filter(ns -> !ns.equals(cp.namespace()))
        .forEach(namespaces::ensure);
    // The plug-in CA goes first, so istiod starts with it rather than with a self-signed root.
    Optional<Duration> caCheck =
        MeshCaSecrets.wanted(cr) ? Optional.of(meshCa.reconcile(cr)) : Optional.empty();

    var result = context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    result.throwAggregateExceptionIfErrorsPresent();

    Optional<IstioCrdInventory.Summary> crds =
        context
            .managedWorkflowAndDependentResourceContext()
            .get(IstioCrdsDependent.INVENTORY, IstioCrdInventory.Summary.class);
    var observed =
        observer.observe(cp, running, gateways, result.allDependentResourcesReady(), crds, context);
    UpdateControl<MeshControlPlane> control =
        statusWriter.write(cr, StatusUpdates.reconciled(cr, clock.instant(), observed));
    return Rechecks.next(caCheck, crds.map(c -> !c.external().isEmpty()).orElse(false))
        .map(control::rescheduleAfter)
        .orElse(control);
  }

  /** See {@link ControlPlaneCleanup}. */
  @Override
  public DeleteControl cleanup(MeshControlPlane cr, Context<MeshControlPlane> context) {
    return cleanup.cleanup(cr, context.getPrimaryCache().list().toList());
  }

  /** A failure changes the Reconciled condition only: what runs keeps running. */
  @Override
  public ErrorStatusUpdateControl<MeshControlPlane> updateErrorStatus(
      MeshControlPlane cr, Context<MeshControlPlane> context, Exception e) {
    LOG.warnf(e, "Reconciling MeshControlPlane %s failed", cr.getMetadata().getName());
    return statusWriter.writeError(
        cr, StatusUpdates.failed(cr, clock.instant(), StatusWriter.rootMessage(e)));
  }
}
