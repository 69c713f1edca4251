package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.List;

/**
 * The RBAC rules istiod and its companions need, as data: pure functions returning fresh fabric8
 * {@link PolicyRule} lists in a fixed order (the chart's), with no client and no clock. Naming and
 * binding the roles is left to the callers.
 *
 * <p>Where each rule set comes from (istio/istio, release {@value #SOURCE_RELEASE}; older supported
 * releases differ by the {@link IstioRelease.Change}s the methods taking a release apply, checked
 * against each release's chart by {@code ChartParityTest}):
 *
 * <table>
 *   <caption>Sources</caption>
 *   <tr><th>Method</th><th>Chart file ({@code manifests/charts/istio-control/istio-discovery/templates/})</th><th>Object in the chart</th></tr>
 *   <tr><td>{@link #istiodClusterRules(IstioRelease)}</td><td>{@code clusterrole.yaml}</td><td>ClusterRole {@code istiod-clusterrole[-<rev>]-<ns>}</td></tr>
 *   <tr><td>{@link #certificateSigningRules(List)}</td><td>{@code clusterrole.yaml} (conditional block)</td><td>same ClusterRole, only with {@code pilotCertProvider} not istiod/custom/none or {@code EXTERNAL_CA}</td></tr>
 *   <tr><td>{@link #gatewayControllerClusterRules()}</td><td>{@code clusterrole.yaml}</td><td>ClusterRole {@code istiod-gateway-controller[-<rev>]-<ns>}</td></tr>
 *   <tr><td>{@link #readerClusterRules(IstioRelease)}</td><td>{@code reader-clusterrole.yaml}</td><td>ClusterRole {@code istio-reader-clusterrole[-<rev>]-<ns>}</td></tr>
 *   <tr><td>{@link #istiodNamespaceRules()}</td><td>{@code role.yaml}</td><td>Role {@code istiod[-<rev>]} in istiod's namespace</td></tr>
 *   <tr><td>{@link #secretsReadRules()}</td><td>{@code clusterrole.yaml}, {@code reader-clusterrole.yaml}</td><td>the Secret rules of istiod's and the reader's ClusterRoles</td></tr>
 *   <tr><td>{@link #namespaceSecretsRules()}</td><td>{@code role.yaml}</td><td>the Secret rule of istiod's Role</td></tr>
 * </table>
 *
 * <p>The chart's templates are rendered with its default values: {@code
 * global.istiod.enableAnalysis} off (no status-write rules for analysis, no {@code extensions}
 * ingresses), {@code taint.enabled} off (no node patch), {@code pilotCertProvider: istiod} (no CSR
 * rules; see {@link #certificateSigningRules(List)}), {@code ENABLE_CLUSTER_TRUST_BUNDLE_API} unset
 * (no clustertrustbundles), {@code istiodRemote.enabled} off, the Gateway API deployment controller
 * on, and {@code MCS_API_GROUP} = {@value #MCS_API_GROUP}.
 *
 * <p><b>Deviation from the chart:</b> this operator, not istiod, owns sidecar injection and its
 * MutatingWebhookConfiguration (including its caBundle). istiod therefore gets only get/list/watch
 * on {@code mutatingwebhookconfigurations}, not update/patch. istiod must then run with its webhook
 * cert patcher off ({@code INJECTION_WEBHOOK_CONFIG_NAME=""}); otherwise it tries to rewrite the
 * injector webhook's caBundle and fails with Forbidden. It keeps {@code update} on {@code
 * validatingwebhookconfigurations}, because it still maintains the caBundle (and failurePolicy) of
 * the config validation webhook; like the chart, it gets no {@code patch} there, since istiod
 * writes that object with update, not patch.
 *
 * <p><b>Secrets are granted apart:</b> the chart's rules on Secrets (read cluster-wide for istiod
 * and the reader; read and write in istiod's namespace) are not in the per-revision roles built
 * from {@link #istiodClusterRules(IstioRelease)}, {@link #readerClusterRules(IstioRelease)} and
 * {@link #istiodNamespaceRules()}. They are {@link #secretsReadRules()} and {@link
 * #namespaceSecretsRules()}, held by two static ClusterRoles shipped with the operator ({@link
 * OperatorRbac}) that each revision only binds. So the operator, which must hold every permission
 * of a role it creates (it has no {@code escalate}), never holds cluster-wide Secret access. istiod
 * gets exactly what the chart gives it.
 *
 * <p>The chart's {@code ingresses/status} rule has verb {@code *}; here it is {@code get, update,
 * patch}, the only verbs a status subresource serves, so istiod's access is the same. The apiserver
 * compares {@code *} literally when it checks that a role's creator holds the role's permissions,
 * so the operator would otherwise need {@code *} itself.
 */
public final class IstiodRbac {

  /** The Istio release whose chart these rules were checked against. */
  public static final String SOURCE_RELEASE = "1.30.3";

  /** The chart's default multi-cluster services API group ({@code env.MCS_API_GROUP}). */
  public static final String MCS_API_GROUP = "multicluster.x-k8s.io";

  /**
   * Every Istio config API group, current and retired. The chart keeps the retired ones ({@code
   * config}, {@code authentication}, {@code rbac}) because removing them can break older Istio
   * versions running alongside (istio/istio#29382).
   */
  public static final List<String> ISTIO_CONFIG_GROUPS =
      List.of(
          "config.istio.io",
          "security.istio.io",
          "networking.istio.io",
          "authentication.istio.io",
          "rbac.istio.io",
          "telemetry.istio.io",
          "extensions.istio.io");

  private static final String CORE = "";
  private static final String ADMISSION = "admissionregistration.k8s.io";
  private static final String GATEWAY_API = "gateway.networking.k8s.io";
  private static final String GATEWAY_API_X = "gateway.networking.x-k8s.io";
  private static final String[] READ = {"get", "list", "watch"};
  // The chart spells read access both ways; kept per rule so each reads like its source.
  private static final String[] READ_GWL = {"get", "watch", "list"};
  private static final String[] ALL_BUT_DELETECOLLECTION = {
    "get", "watch", "list", "update", "patch", "create", "delete"
  };

  private IstiodRbac() {}

  /**
   * istiod's ClusterRole ({@code clusterrole.yaml}, first object), with default values and the
   * mutating-webhook deviation described on the class.
   */
  public static List<PolicyRule> istiodClusterRules(IstioRelease release) {
    boolean standardListenerSets = release.has(IstioRelease.Change.STANDARD_LISTENERSETS);
    List<String> experimentalStatus =
        standardListenerSets
            ? List.of("xbackendtrafficpolicies/status")
            : List.of("xbackendtrafficpolicies/status", "xlistenersets/status");
    List<String> standardStatus =
        new java.util.ArrayList<>(
            List.of(
                "backendtlspolicies/status",
                "gatewayclasses/status",
                "gateways/status",
                "grpcroutes/status",
                "httproutes/status",
                "referencegrants/status",
                "tcproutes/status",
                "tlsroutes/status",
                "udproutes/status"));
    if (standardListenerSets) {
      standardStatus.add("listenersets/status");
    }
    return List.of(
        // Sidecar injection: read only. The operator owns the injector webhook (see class doc).
        rule(List.of(ADMISSION), List.of("mutatingwebhookconfigurations"), READ),
        // Config validation webhook controller: keeps the webhook's caBundle current.
        rule(
            List.of(ADMISSION),
            List.of("validatingwebhookconfigurations"),
            "get",
            "list",
            "watch",
            "update"),
        // All Istio configuration.
        rule(ISTIO_CONFIG_GROUPS, List.of("*"), READ_GWL),
        rule(List.of("networking.istio.io"), List.of("workloadentries"), ALL_BUT_DELETECOLLECTION),
        rule(
            List.of("networking.istio.io"),
            List.of("workloadentries/status", "serviceentries/status"),
            ALL_BUT_DELETECOLLECTION),
        rule(
            List.of("security.istio.io"),
            List.of("authorizationpolicies/status"),
            ALL_BUT_DELETECOLLECTION),
        rule(List.of(CORE), List.of("services/status"), ALL_BUT_DELETECOLLECTION),
        // Auto-detects which CRDs are installed.
        rule(List.of("apiextensions.k8s.io"), List.of("customresourcedefinitions"), READ),
        // Discovery and routing.
        rule(List.of(CORE), List.of("pods", "nodes", "services", "namespaces", "endpoints"), READ),
        rule(List.of("discovery.k8s.io"), List.of("endpointslices"), READ),
        // Ingress controller.
        rule(List.of("networking.k8s.io"), List.of("ingresses", "ingressclasses"), READ),
        // The chart says "*": a status subresource serves only these (see class doc).
        rule(List.of("networking.k8s.io"), List.of("ingresses/status"), "get", "update", "patch"),
        // The CA's namespace controller writes istio-ca-root-cert into every namespace.
        rule(List.of(CORE), List.of("configmaps"), "create", "get", "list", "watch", "update"),
        // Verifies the JWTs workloads present.
        rule(List.of("authentication.k8s.io"), List.of("tokenreviews"), "create"),
        // Checks that gateways may read the secrets they ask for over SDS.
        rule(List.of("authorization.k8s.io"), List.of("subjectaccessreviews"), "create"),
        // Gateway API.
        rule(List.of(GATEWAY_API, GATEWAY_API_X), List.of("*"), READ_GWL),
        rule(List.of(GATEWAY_API_X), experimentalStatus, "update", "patch"),
        rule(List.of(GATEWAY_API), standardStatus, "update", "patch"),
        rule(
            List.of(GATEWAY_API), List.of("gatewayclasses"), "create", "update", "patch", "delete"),
        rule(List.of("inference.networking.k8s.io"), List.of("inferencepools"), READ_GWL),
        rule(
            List.of("inference.networking.k8s.io"),
            List.of("inferencepools/status"),
            "update",
            "patch"),
        // Secrets (multi-cluster remote secrets, gateway credentials): secretsReadRules().
        // Multi-cluster services.
        rule(
            List.of(MCS_API_GROUP),
            List.of("serviceexports"),
            "get",
            "watch",
            "list",
            "create",
            "delete"),
        rule(List.of(MCS_API_GROUP), List.of("serviceimports"), READ_GWL));
  }

  /**
   * The chart's extra cluster rules for when istiod has workload certificates signed by Kubernetes
   * CSRs ({@code pilotCertProvider} other than istiod/custom/none, or {@code EXTERNAL_CA} set): not
   * part of {@link #istiodClusterRules(IstioRelease)}, because the chart's default is {@code
   * istiod}.
   *
   * @param signerNames the signers istiod may approve for ({@code global.certSigners}); must not be
   *     empty, because the chart would then render {@code resourceNames} empty and so allow
   *     approving for every signer in the cluster
   * @throws IllegalArgumentException if {@code signerNames} is empty
   */
  public static List<PolicyRule> certificateSigningRules(List<String> signerNames) {
    if (signerNames.isEmpty()) {
      throw new IllegalArgumentException("at least one signer name is required");
    }
    return List.of(
        rule(
            List.of("certificates.k8s.io"),
            List.of(
                "certificatesigningrequests",
                "certificatesigningrequests/approval",
                "certificatesigningrequests/status"),
            "update",
            "create",
            "get",
            "delete",
            "watch"),
        new PolicyRuleBuilder()
            .withApiGroups("certificates.k8s.io")
            .withResources("signers")
            .withResourceNames(List.copyOf(signerNames))
            .withVerbs("approve")
            .build());
  }

  /**
   * The Gateway API deployment controller's ClusterRole ({@code clusterrole.yaml}, second object;
   * rendered unless {@code PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER=false}): istiod creates a
   * Deployment, Service, ServiceAccount, HPA and PDB for each Gateway API {@code Gateway}, in the
   * Gateway's namespace, hence cluster-wide.
   */
  public static List<PolicyRule> gatewayControllerClusterRules() {
    return List.of(
        rule(List.of("apps"), List.of("deployments"), ALL_BUT_DELETECOLLECTION),
        rule(List.of("autoscaling"), List.of("horizontalpodautoscalers"), ALL_BUT_DELETECOLLECTION),
        rule(List.of("policy"), List.of("poddisruptionbudgets"), ALL_BUT_DELETECOLLECTION),
        rule(List.of(CORE), List.of("services"), ALL_BUT_DELETECOLLECTION),
        rule(List.of(CORE), List.of("serviceaccounts"), ALL_BUT_DELETECOLLECTION));
  }

  /**
   * The {@code istio-reader} ClusterRole ({@code reader-clusterrole.yaml}), used by istiods in
   * other clusters (through remote secrets) to read this cluster. Rendered with {@code
   * istiodRemote.enabled} off, so it has no webhook or configmap write rules.
   */
  public static List<PolicyRule> readerClusterRules(IstioRelease release) {
    List<String> core =
        new java.util.ArrayList<>(
            List.of(
                "endpoints", "pods", "services", "nodes", "replicationcontrollers", "namespaces"));
    // secrets: secretsReadRules(), through a static ClusterRole (see class doc).
    if (release.has(IstioRelease.Change.READER_READS_CONFIGMAPS)) {
      core.add("configmaps");
    }
    return List.of(
        rule(ISTIO_CONFIG_GROUPS, List.of("*"), READ),
        rule(List.of(CORE), core, READ),
        rule(List.of("networking.istio.io"), List.of("workloadentries"), READ_GWL),
        rule(List.of("networking.x-k8s.io", GATEWAY_API), List.of("gateways"), READ_GWL),
        rule(List.of("apiextensions.k8s.io"), List.of("customresourcedefinitions"), READ),
        rule(List.of("discovery.k8s.io"), List.of("endpointslices"), READ),
        rule(
            List.of(MCS_API_GROUP),
            List.of("serviceexports"),
            "get",
            "list",
            "watch",
            "create",
            "delete"),
        rule(List.of(MCS_API_GROUP), List.of("serviceimports"), READ),
        rule(List.of("apps"), List.of("replicasets"), READ),
        rule(List.of("authentication.k8s.io"), List.of("tokenreviews"), "create"),
        rule(List.of("authorization.k8s.io"), List.of("subjectaccessreviews"), "create"));
  }

  /** istiod's Role in its own namespace ({@code role.yaml}). */
  public static List<PolicyRule> istiodNamespaceRules() {
    return List.of(
        // Dry-run creates an invalid Gateway to check that the validation webhook is serving and
        // rejecting; nothing is persisted.
        rule(List.of("networking.istio.io"), List.of("gateways"), "create"),
        // Secrets (the CA's key and certs): namespaceSecretsRules(), through a static ClusterRole.
        // The status controller deletes its distribution-report configmap.
        rule(List.of(CORE), List.of("configmaps"), "delete"),
        // Leader election of the per-revision Gateway deployment controller uses a Lease; istiod's
        // other elections use ConfigMaps, covered by the cluster rules.
        rule(
            List.of("coordination.k8s.io"), List.of("leases"), "get", "update", "patch", "create"));
  }

  /**
   * Read access to every Secret, cluster-wide: the chart's Secret rule of istiod's ClusterRole
   * ({@code get, watch, list}; the reader's says {@code get, list, watch}). By Istio's design:
   * gateways get their TLS credentials from istiod over SDS (from Secrets in the gateways'
   * namespaces, after a SubjectAccessReview), and istiod reads the multi-cluster remote secrets.
   * Held by the static ClusterRole {@value OperatorRbac#ISTIOD_SECRETS_READER}.
   */
  public static List<PolicyRule> secretsReadRules() {
    return List.of(rule(List.of(CORE), List.of("secrets"), READ_GWL));
  }

  /**
   * istiod's Secret access in its own namespace ({@code role.yaml}): the CA's key and certs, {@code
   * istio-ca-secret} (self-signed) or a plugged-in {@code cacerts}. Held by the static ClusterRole
   * {@value OperatorRbac#ISTIOD_NAMESPACE_SECRETS}, bound per revision with a RoleBinding in
   * istiod's namespace.
   */
  public static List<PolicyRule> namespaceSecretsRules() {
    return List.of(
        rule(
            List.of(CORE),
            List.of("secrets"),
            "create",
            "get",
            "watch",
            "list",
            "update",
            "delete"));
  }

  // A fresh rule each call: fabric8 models are mutable, so results must not share instances.
  private static PolicyRule rule(List<String> apiGroups, List<String> resources, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(apiGroups)
        .withResources(resources)
        .withVerbs(verbs)
        .build();
  }
}
