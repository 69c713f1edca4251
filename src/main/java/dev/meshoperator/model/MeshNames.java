package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;

/**
 * Every name this operator gives a managed object, so that names are decided in one place.
 *
 * <p>Revision-scoped objects carry the revision as a suffix ({@code istiod-canary}); the default
 * revision has none, as in Istio. Cluster-scoped objects also carry the namespace, so control
 * planes in different namespaces never collide.
 */
public final class MeshNames {

  /** The name Istio uses for the revision when none is set. */
  public static final String DEFAULT_REVISION = "default";

  private MeshNames() {}

  /** The namespace a control plane runs in when {@code spec.namespace} is unset. */
  public static final String DEFAULT_NAMESPACE = "istio-system";

  /**
   * The revision is the CR's name ({@code default} for Istio's default revision): names are unique
   * cluster-wide, so two control planes can never claim one revision.
   */
  public static String revision(MeshControlPlane cr) {
    String name = cr.getMetadata() == null ? null : cr.getMetadata().getName();
    return name == null || name.isEmpty() ? DEFAULT_REVISION : name;
  }

  /** Where {@code cr}'s control plane runs. */
  public static String namespace(MeshControlPlane cr) {
    String ns = cr.getSpec() == null ? null : cr.getSpec().getNamespace();
    return ns == null || ns.isBlank() ? DEFAULT_NAMESPACE : ns;
  }

  /** istiod's Deployment, Service and ServiceAccount: {@code istiod[-rev]}. */
  public static String istiod(ControlPlane cp) {
    return cp.revisioned("istiod");
  }

  /** istiod's Deployment name for a CR. */
  public static String istiod(MeshControlPlane cr) {
    String rev = revision(cr);
    return DEFAULT_REVISION.equals(rev) ? "istiod" : "istiod-" + rev;
  }

  /** The ServiceAccount istiod runs as. Istio names it after the Deployment. */
  public static String istiodServiceAccount(ControlPlane cp) {
    return istiod(cp);
  }

  /** The mesh config ConfigMap istiod reads: {@code istio[-rev]}. */
  public static String meshConfigMap(ControlPlane cp) {
    return cp.revisioned("istio");
  }

  /** istiod's Role and RoleBinding in its namespace. */
  public static String istiodRole(ControlPlane cp) {
    return istiod(cp);
  }

  /** istiod's ClusterRole and ClusterRoleBinding. */
  public static String istiodClusterRole(ControlPlane cp) {
    return clusterScoped(cp, "istiod-clusterrole");
  }

  /** The Gateway API deployment controller's ClusterRole and ClusterRoleBinding. */
  public static String gatewayControllerClusterRole(ControlPlane cp) {
    return clusterScoped(cp, "istiod-gateway-controller");
  }

  /** The read-only ClusterRole (multicluster readers, istioctl). */
  public static String readerClusterRole(ControlPlane cp) {
    return clusterScoped(cp, "istio-reader-clusterrole");
  }

  /**
   * The ClusterRoleBinding giving istiod's and the reader's ServiceAccounts the static
   * Secret-reading ClusterRole {@value OperatorRbac#ISTIOD_SECRETS_READER}.
   */
  public static String istiodSecretsReaderBinding(ControlPlane cp) {
    return clusterScoped(cp, "istiod-secrets-reader");
  }

  /**
   * The RoleBinding, in istiod's namespace, giving istiod the static ClusterRole {@value
   * OperatorRbac#ISTIOD_NAMESPACE_SECRETS}: {@code istiod-secrets[-rev]}.
   */
  public static String istiodSecretsRoleBinding(ControlPlane cp) {
    return cp.revisioned("istiod-secrets");
  }

  /** istiod's ValidatingWebhookConfiguration for Istio config. */
  public static String validatingWebhook(ControlPlane cp) {
    return clusterScoped(cp, "istio-validator");
  }

  /** The sidecar injector's MutatingWebhookConfiguration for this revision. */
  public static String mutatingWebhook(ControlPlane cp) {
    return clusterScoped(cp, "istio-sidecar-injector");
  }

  /**
   * An addon's Deployment, ServiceAccount and main ConfigMap: {@code prometheus}, {@code grafana},
   * {@code kiali}, {@code jaeger}, with a revision suffix for other revisions, so two control
   * planes in one namespace never fight over one object.
   */
  public static String addon(ControlPlane cp, AddonSettings.Name addon) {
    return cp.revisioned(addon.id());
  }

  /** An addon's ClusterRole and ClusterRoleBinding (Prometheus, Kiali): cluster-scoped names. */
  public static String addonClusterRole(ControlPlane cp, AddonSettings.Name addon) {
    return clusterScoped(cp, addon.id());
  }

  /** Grafana's dashboards ConfigMap. */
  public static String grafanaDashboards(ControlPlane cp) {
    return cp.revisioned("grafana-dashboards");
  }

  /** Jaeger's query UI Service ({@code tracing}, port 80), as in Istio's addon. */
  public static String tracingService(ControlPlane cp) {
    return cp.revisioned("tracing");
  }

  /** Jaeger's collector Service (OTLP 4317/4318, Zipkin 9411). */
  public static String jaegerCollector(ControlPlane cp) {
    return cp.revisioned("jaeger-collector");
  }

  /** A gateway's Deployment, Service, ServiceAccount, RoleBinding, HPA and PDB: its name. */
  public static String gateway(Gateways.Gateway gateway) {
    return gateway.name();
  }

  /**
   * A Gateway API gateway's Deployment, Service and ServiceAccount: {@code <gateway>-<class>}, the
   * name istiod's deployment controller gives them and its status controller looks up.
   */
  public static String kubeGateway(String gatewayName, String gatewayClass) {
    return gatewayName + "-" + gatewayClass;
  }

  /** {@code base[-rev]-<namespace>}: unique across revisions and namespaces. */
  private static String clusterScoped(ControlPlane cp, String base) {
    return cp.revisioned(base) + "-" + cp.namespace();
  }
}
