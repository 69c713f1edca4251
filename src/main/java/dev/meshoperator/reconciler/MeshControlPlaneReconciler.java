package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.ComponentStatus;
import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.config.OperatorConfig;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.IstioCrdInventory;
import dev.meshoperator.model.MeshConfigValidation;
import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.MeshNames;
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
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
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
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Reconciles a MeshControlPlane. The spec is checked first (supported version, no downgrade by more
 * than one minor, revision not claimed by an older control plane); only then does the workflow of
 * dependents (one per managed object, applied with server-side apply) run. {@link #reconcile}
 * otherwise only derives status.
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
// No @RBACRule: the operator's RBAC is dev.meshoperator.model.OperatorRbac (generated into
// kustomize/base/rbac.yaml), not derived from the dependents.
public class MeshControlPlaneReconciler
    implements Reconciler<MeshControlPlane>, Cleaner<MeshControlPlane> {

  public static final String NAME = "meshcontrolplane";
  private static final Logger LOG = Logger.getLogger(MeshControlPlaneReconciler.class);

  private final Clock clock;
  private final EventRecorder events;

  private final OperatorConfig config;

  private final WebhookCertificateManager certificates;
  private final MeshCaSecrets meshCa;
  private final ControlPlaneNamespaces namespaces;
  private final IstioCrdPurge crds;
  private final PodHealth health;
  private final GatewayClassCleanup gatewayClasses;

  /** While the last control plane's istiod is stopping, cleanup looks again this often. */
  private static final Duration ISTIOD_STOP_CHECK = Duration.ofSeconds(2);

  /** The mesh CA is looked at least this often, whatever its own schedule says. */
  private static final Duration MAX_CA_CHECK = Duration.ofHours(6);

  /**
   * Istio CRDs installed by someone else are not watched (the CRD informer sees only the
   * operator's): this often they are looked at again, so one removed (say, by {@code helm
   * uninstall}) is recreated by the operator within this time even if nothing else changes.
   */
  static final Duration EXTERNAL_CRDS_CHECK = Duration.ofMinutes(10);

  public MeshControlPlaneReconciler(
      Clock clock,
      EventRecorder events,
      OperatorConfig config,
      WebhookCertificateManager certificates,
      MeshCaSecrets meshCa,
      ControlPlaneNamespaces namespaces,
      IstioCrdPurge crds,
      PodHealth health,
      GatewayClassCleanup gatewayClasses) {
    this.clock = clock;
    this.events = events;
    this.config = config;
    this.certificates = certificates;
    this.meshCa = meshCa;
    this.namespaces = namespaces;
    this.crds = crds;
    this.health = health;
    this.gatewayClasses = gatewayClasses;
  }

  /**
   * The webhook Secret, shared by every control plane: its CA bundle goes into each revision's
   * MutatingWebhookConfiguration, so a rotation reconciles them all.
   */
  @Override
  public List<EventSource<?, MeshControlPlane>> prepareEventSources(
      EventSourceContext<MeshControlPlane> context) {
    var secret =
        InformerEventSourceConfiguration.from(Secret.class, MeshControlPlane.class)
            .withName("webhook-secret")
            .withNamespaces(config.namespace())
            .withLabelSelector("app.kubernetes.io/component=webhook," + MeshLabels.SELECTOR)
            .withSecondaryToPrimaryMapper(
                s ->
                    context
                        .getPrimaryCache()
                        .list()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (MeshControlPlane p) ->
                    Set.of(new ResourceID(config.certificates().secretName(), config.namespace())))
            .build();
    if (!config.health().enabled()) {
      return List.of(new InformerEventSource<>(secret, context));
    }
    return List.of(
        new InformerEventSource<>(secret, context),
        health.eventSource(() -> context.getPrimaryCache().list()));
  }

  @Override
  public UpdateControl<MeshControlPlane> reconcile(
      MeshControlPlane cr, Context<MeshControlPlane> context) {
    ControlPlane cp = ControlPlane.of(cr);
    String running = cr.getStatus() == null ? null : cr.getStatus().getVersion();

    Optional<Refusal> refusal = refusal(cr, cp, running);
    if (refusal.isPresent()) {
      var status =
          StatusUpdates.refused(
              cr, clock.instant(), refusal.get().reason(), refusal.get().message());
      emitOnTransition(cr, status);
      // Nothing was applied: a spec change triggers the next attempt, so no retry storm.
      return patchIfChanged(cr, status);
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

    List<ComponentStatus> components = new ArrayList<>();
    boolean istiodRolledOut = false;
    if (cp.istiodEnabled()) {
      Optional<Deployment> istiod =
          context
              .getSecondaryResourcesAsStream(Deployment.class)
              .filter(d -> MeshNames.istiod(cp).equals(d.getMetadata().getName()))
              .filter(d -> cp.namespace().equals(d.getMetadata().getNamespace()))
              .findFirst();
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
    // The running version moves only once istiod has rolled out the new image.
    String nowRunning = !cp.istiodEnabled() || istiodRolledOut ? cp.version() : running;
    boolean upgrading = running != null && !running.equals(cp.version()) && !istiodRolledOut;
    Optional<IstioCrdInventory.Summary> crds =
        context
            .managedWorkflowAndDependentResourceContext()
            .get(IstioCrdsDependent.INVENTORY, IstioCrdInventory.Summary.class);
    var status =
        StatusUpdates.reconciled(
            cr,
            clock.instant(),
            new StatusUpdates.Observed(
                nowRunning,
                components,
                result.allDependentResourcesReady()
                    && components.stream().allMatch(c -> Boolean.TRUE.equals(c.ready)),
                upgrading,
                cp.version(),
                injectionReadiness(cp, context),
                certificates
                    .status()
                    .filter(s -> s.notAfter() != null)
                    .map(s -> s.notAfter().toString())
                    .orElse(null),
                AddonStatuses.of(
                    cp,
                    name ->
                        context
                            .getSecondaryResourcesAsStream(Deployment.class)
                            .filter(d -> name.equals(d.getMetadata().getName()))
                            .filter(d -> cp.namespace().equals(d.getMetadata().getNamespace()))
                            .findFirst()),
                gatewayStatus,
                crds,
                config.health().enabled()
                    ? context.getSecondaryResource(HealthStatus.class)
                    : Optional.empty()));
    emitOnTransition(cr, status);
    UpdateControl<MeshControlPlane> control = patchIfChanged(cr, status);
    Optional<Duration> next = caCheck.map(d -> d.compareTo(MAX_CA_CHECK) > 0 ? MAX_CA_CHECK : d);
    if (crds.map(c -> !c.external().isEmpty()).orElse(false)) {
      next =
          Optional.of(
              next.filter(d -> d.compareTo(EXTERNAL_CRDS_CHECK) < 0).orElse(EXTERNAL_CRDS_CHECK));
    }
    return next.map(control::rescheduleAfter).orElse(control);
  }

  /** Why the spec must not be applied, if it must not; checked before anything is touched. */
  record Refusal(String reason, String message) {}

  Optional<Refusal> refusal(MeshControlPlane cr, ControlPlane cp, String running) {
    if (cr.getSpec() != null && cr.getSpec().invalid() != null) {
      return Optional.of(new Refusal("InvalidSpec", cr.getSpec().invalid()));
    }
    if (cp.namespace().equals(config.namespace())) {
      return Optional.of(
          new Refusal(
              "NamespaceRefused",
              "spec.namespace "
                  + cp.namespace()
                  + " is the operator's own namespace: istiod there could read and write the"
                  + " webhook's TLS and the mesh root CA Secrets; choose another namespace"));
    }
    Optional<String> quantities =
        Gateways.problem(cr.getSpec() == null ? null : cr.getSpec().gateways);
    if (quantities.isPresent()) {
      return Optional.of(new Refusal("InvalidSpec", quantities.get()));
    }
    Optional<String> gateway = Gateways.namespaceProblem(Gateways.of(cr), config.namespace());
    if (gateway.isPresent()) {
      return Optional.of(new Refusal("NamespaceRefused", gateway.get()));
    }
    Optional<String> mesh =
        MeshConfigValidation.problem(cr.getSpec() == null ? null : cr.getSpec().meshConfig);
    if (mesh.isPresent()) {
      return Optional.of(new Refusal("InvalidMeshConfig", mesh.get()));
    }
    return IstioVersions.refusal(running, cp.version()).map(m -> new Refusal("VersionRefused", m));
  }

  /** Why injection for this revision does not work yet, if it does not. */
  private Optional<String> injectionReadiness(ControlPlane cp, Context<MeshControlPlane> context) {
    if (!cp.istiodEnabled()) {
      return Optional.of("istiod is not enabled for this revision");
    }
    boolean configured =
        context
            .getSecondaryResourcesAsStream(MutatingWebhookConfiguration.class)
            .anyMatch(m -> MeshNames.mutatingWebhook(cp).equals(m.getMetadata().getName()));
    if (!configured) {
      return Optional.of(
          "MutatingWebhookConfiguration " + MeshNames.mutatingWebhook(cp) + " is missing");
    }
    if (!certificates.selfSigned()) {
      return Optional.empty();
    }
    var served = certificates.status();
    if (served.isEmpty()) {
      return Optional.of("the webhook's serving certificate is not loaded yet");
    }
    if (served.get().error() != null) {
      return Optional.of(served.get().error());
    }
    return Optional.empty();
  }

  /**
   * What garbage collection cannot do. Every managed object, cluster-scoped ones included, is owned
   * by the (cluster-scoped) CR and goes with it; left are the mesh CA root in the operator's
   * namespace, shared by the control planes of one mesh namespace, and Istio's CRDs, shared by all
   * control planes and deleted only on request, and the GatewayClasses istiod made (no owner),
   * deleted with the last control plane.
   */
  @Override
  public DeleteControl cleanup(MeshControlPlane cr, Context<MeshControlPlane> context) {
    List<MeshControlPlane> others =
        context
            .getPrimaryCache()
            .list()
            .filter(o -> !o.getMetadata().getUid().equals(cr.getMetadata().getUid()))
            .toList();
    boolean last = others.stream().allMatch(o -> o.getMetadata().getDeletionTimestamp() != null);
    if (last && !gatewayClasses.istiodStopped(cr)) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(ISTIOD_STOP_CHECK.toMillis());
    }
    if (MeshCaSecrets.wanted(cr)) {
      boolean shared =
          others.stream()
              .anyMatch(
                  o ->
                      MeshNames.namespace(o).equals(MeshNames.namespace(cr))
                          && MeshCaSecrets.wanted(o));
      meshCa.cleanup(cr, shared);
    }
    if (last) {
      int classes = gatewayClasses.deleteIstiodClasses();
      LOG.infof("Deleted %d GatewayClasses istiod had created", classes);
    }
    if (cr.getSpec() != null && Boolean.TRUE.equals(cr.getSpec().purgeIstioCrdsOnDelete)) {
      List<String> remaining =
          others.stream()
              .filter(o -> o.getMetadata().getDeletionTimestamp() == null)
              .map(o -> o.getMetadata().getName())
              .toList();
      if (remaining.isEmpty()) {
        int deleted = crds.purge();
        LOG.infof(
            "Purged %d Istio CRDs with MeshControlPlane %s", deleted, cr.getMetadata().getName());
      } else {
        events.warning(
            cr,
            "IstioCrdsKept",
            "purgeIstioCrdsOnDelete is set, but Istio's CRDs are kept: still used by MeshControlPlane "
                + String.join(", ", remaining));
      }
    }
    LOG.infof("Cleaned up MeshControlPlane %s", cr.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  @Override
  public ErrorStatusUpdateControl<MeshControlPlane> updateErrorStatus(
      MeshControlPlane cr, Context<MeshControlPlane> context, Exception e) {
    LOG.warnf(e, "Reconciling MeshControlPlane %s failed", cr.getMetadata().getName());
    var status = StatusUpdates.failed(cr, clock.instant(), rootMessage(e));
    emitOnTransition(cr, status);
    if (Objects.equals(status, cr.getStatus())) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    return ErrorStatusUpdateControl.patchStatus(statusPatch(cr, status));
  }

  private static ComponentStatus deploymentStatus(
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

  private void emitOnTransition(MeshControlPlane cr, MeshControlPlaneStatus next) {
    for (StatusCondition c : next.getConditions()) {
      Optional<StatusCondition> before =
          cr.getStatus() == null ? Optional.empty() : cr.getStatus().condition(c.getType());
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
      if (bad) {
        events.warning(cr, c.getReason(), c.getMessage());
      } else {
        events.normal(cr, c.getReason(), c.getMessage());
      }
    }
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
    patch.setMetadata(new ObjectMetaBuilder().withName(cr.getMetadata().getName()).build());
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
