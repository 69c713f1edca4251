package dev.meshoperator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The intentional differences between the operator's objects and Istio's charts, each with its
 * reason. {@link ChartParityTest} fails on any difference not listed here.
 */
final class ChartParityAllowList {

  private ChartParityAllowList() {}

  enum Side {
    /** The chart renders the object; the operator does not. */
    CHART_ONLY,
    /** The operator creates the object; the chart has none. */
    OPERATOR_ONLY,
    /** Both have the object; a field differs. */
    FIELD
  }

  /**
   * @param kind an object kind, or {@code *}
   * @param name a regular expression over the object's name
   * @param path for {@link Side#FIELD}: a leaf path or a prefix of leaf paths
   */
  record Entry(String id, Side side, String kind, Pattern name, String path, String reason) {

    boolean matches(String kind, String name, Side side, String path) {
      if (side != this.side
          || !(this.kind.equals("*") || this.kind.equals(kind))
          || !this.name.matcher(name).matches()) {
        return false;
      }
      return side != Side.FIELD || glob(this.path).matcher(path).matches();
    }

    /**
     * {@code path} as a glob ({@code *}: any characters), matching the leaf or its subtree; a label
     * or annotation key matches only itself (keys contain dots: {@code app} is not {@code
     * app.kubernetes.io/name}).
     */
    private static Pattern glob(String path) {
      boolean exact = path.contains("labels.") || path.contains("annotations.");
      StringBuilder re = new StringBuilder();
      for (String part : path.split("\\*", -1)) {
        if (!re.isEmpty()) {
          re.append(".*");
        }
        re.append(Pattern.quote(part));
      }
      return Pattern.compile(exact ? re.toString() : re + "([.\\[].*)?");
    }

    @Override
    public String toString() {
      String what =
          switch (side) {
            case CHART_ONLY -> "chart only: " + kind + " " + name;
            case OPERATOR_ONLY -> "operator only: " + kind + " " + name;
            case FIELD -> kind + " " + name + " " + path;
          };
      return what + " -- " + reason;
    }
  }

  /**
   * Chart names whose object the operator names otherwise: chart {@code Kind/name} to the
   * operator's name, so the two are compared. The injector's webhook, like every cluster-scoped
   * object of the operator's, carries the control plane's namespace (two meshes in two namespaces
   * never collide); a gateway's ServiceAccount is the gateway's name, as in Istio's gateway chart.
   */
  static final Map<String, String> RENAMED =
      Map.of(
          "MutatingWebhookConfiguration/istio-sidecar-injector",
          "istio-sidecar-injector-istio-system",
          "ServiceAccount/istio-ingressgateway-service-account",
          "istio-ingressgateway",
          "ServiceAccount/istio-egressgateway-service-account",
          "istio-egressgateway");

  static final List<Entry> ENTRIES = new ArrayList<>();

  private static final String GW = "istio-(ingress|egress)gateway";
  private static final String ANY = ".*";

  static {
    // Labels.
    String helm =
        "Helm's and istioctl's bookkeeping labels; the operator marks its objects as its own"
            + " (managed-by istio-operator, instance = the MeshControlPlane)";
    for (String key :
        List.of(
            "app.kubernetes.io/managed-by",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/version",
            "helm.sh/chart",
            "release",
            "chart",
            "heritage",
            "install.operator.istio.io/owning-resource",
            "operator.istio.io/component")) {
      // chart and heritage are the legacy gateway charts' pod labels only.
      if (!key.equals("chart") && !key.equals("heritage")) {
        field("*", ANY, "metadata.labels." + key, helm);
      }
      field("Deployment", ANY, "spec.template.metadata.labels." + key, helm + ", on pods too");
    }
    String ours =
        "the operator's own labels: component, and the control plane's revision and namespace on"
            + " every object (its informers and cleanup select by them)";
    for (String key :
        List.of(
            "app.kubernetes.io/component",
            "meshoperator.dev/control-plane-namespace",
            "istio.io/rev")) {
      field("*", ANY, "metadata.labels." + key, ours);
      field("Deployment", ANY, "spec.template.metadata.labels." + key, ours);
    }
    String appLabels =
        "the chart's app and app.kubernetes.io/name labels on RBAC objects, ConfigMaps and"
            + " webhooks: nothing selects by them; the operator's component label names them";
    field("*", "istio-reader.*|istiod.*", "metadata.labels.app", appLabels);
    field(
        "*",
        "istio-reader.*|istiod.*|istio|istio-validator.*",
        "metadata.labels.app.kubernetes.io/name",
        appLabels);
    field(
        "*",
        "istio-sidecar-injector-istio-system|" + GW,
        "metadata.name",
        "renamed (see RENAMED): cluster-scoped names carry the control plane's namespace; a"
            + " gateway's ServiceAccount is named after the gateway, as in Istio's gateway chart");
    field(
        "*",
        "istio|istiod|istio-reader-service-account",
        "metadata.labels.istio",
        "istio=pilot on istiod's HPA and ServiceAccount: informational, selects nothing");
    field(
        "ConfigMap",
        "istio",
        "metadata.labels.istio.io/config",
        "marks the mesh config ConfigMap for istioctl (istio.io/config), which it reads by name");
    field(
        "*",
        GW,
        "metadata.labels.istio.io/dataplane-mode",
        "dataplane-mode none on the gateway's Service and HPA as on its pods (the gateway chart's"
            + " label, kept on every gateway object)");

    // CRDs.
    field(
        "CustomResourceDefinition",
        ANY,
        "spec.versions[*].schema",
        "structural schemas that preserve unknown fields, not Istio's per-field OpenAPI: istiod's"
            + " validating webhook validates every Istio object; where Istio's own CRDs are"
            + " installed the operator leaves them as they are (IstioCrdInventory)");
    field(
        "CustomResourceDefinition",
        ANY,
        "metadata.annotations.helm.sh/resource-policy",
        "Helm-only: tells Helm not to delete the CRDs on uninstall; the operator never deletes"
            + " them (spec.purgeIstioCrdsOnDelete is opt-in)");
    only(
        Side.OPERATOR_ONLY,
        "CustomResourceDefinition",
        "trafficextensions\\.extensions\\.istio\\.io",
        "CRDs are cluster-wide and shared by every control plane: the operator installs every"
            + " supported release's (1.30 added TrafficExtension); an older istiod ignores kinds"
            + " it does not know. The test checks each release's own set (IstioCrds.table)");
    only(
        Side.OPERATOR_ONLY,
        "CustomResourceDefinition",
        ANY,
        "profile empty installs nothing in Istio; the operator installs Istio's CRDs whatever the"
            + " profile (they are shared and must exist before any Istio config is applied)");

    // Injection: served by the operator, not istiod.
    String injection =
        "the operator serves sidecar injection (its own webhook, templates built in), so istiod"
            + " neither serves nor patches it";
    only(Side.CHART_ONLY, "ConfigMap", "istio-sidecar-injector", injection + ": no templates");
    only(
        Side.CHART_ONLY,
        "ConfigMap",
        "values",
        "the chart's rendered values, read by istiod only for injection and by istioctl");
    field(
        "MutatingWebhookConfiguration",
        ANY,
        "webhooks",
        injection
            + ": the webhooks call the operator, skip system namespaces and the operator's"
            + " (MutatingWebhookModel), and carry their caBundle");
    field("MutatingWebhookConfiguration", ANY, "metadata.labels.app", injection);
    field("MutatingWebhookConfiguration", ANY, "metadata.labels.app.kubernetes.io/name", injection);
    for (String env :
        List.of(
            "INJECT_ENABLED", "INJECTION_WEBHOOK_CONFIG_NAME", "VALIDATION_WEBHOOK_CONFIG_NAME")) {
      field(
          "Deployment",
          "istiod",
          "spec.template.spec.containers[discovery].env[" + env + "]",
          injection
              + " (INJECT_ENABLED=false, no injector webhook to patch); it still patches its"
              + " validating webhook, named");
    }
    field(
        "Deployment",
        "istiod",
        "spec.template.spec.containers[discovery].env[PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER]",
        "the operator deploys Gateway API gateways (KubeGatewayModel); istiod's deployment"
            + " controller would need the injection templates istiod no longer loads");
    field(
        "ClusterRole",
        "istiod-clusterrole-istio-system",
        "rules[admissionregistration.k8s.io/mutatingwebhookconfigurations].verbs",
        injection + ": read only");

    // RBAC.
    String secrets =
        "istiod's Secret access is granted through static ClusterRoles the operator's install"
            + " ships, bound per revision, so the operator never holds Secret access itself; the"
            + " rules are the chart's (compared as SecretRules/<role>)";
    only(Side.OPERATOR_ONLY, "ClusterRole", "istio-operator-(istiod|gateway)-.*secrets.*", secrets);
    only(Side.OPERATOR_ONLY, "ClusterRoleBinding", "istiod-secrets-reader-istio-system", secrets);
    only(Side.OPERATOR_ONLY, "RoleBinding", "istiod-secrets", secrets);
    field(
        "ClusterRole",
        "istiod-clusterrole-istio-system",
        "rules[networking.k8s.io/ingresses/status].verbs",
        "* in the chart: get, update, patch are all a status subresource serves; the apiserver"
            + " compares * literally when the operator creates the role");
    String sds =
        "a gateway reads its TLS Secrets through the static ClusterRole"
            + " istio-operator-gateway-secrets-reader, bound in its namespace (same rule as the"
            + " chart's <gateway>-sds Role: get, watch, list secrets)";
    only(Side.CHART_ONLY, "Role", GW + "-sds", sds);
    only(Side.CHART_ONLY, "RoleBinding", GW + "-sds", sds);
    only(Side.OPERATOR_ONLY, "RoleBinding", GW, sds);

    // istiod.
    field(
        "Deployment",
        "istiod",
        "spec.selector.matchLabels",
        "selector app + istio.io/rev instead of the chart's app + istio: two revisions in one"
            + " namespace never select each other's pods");
    field("Service", "istiod", "spec.selector", "as istiod's Deployment selector");
    field(
        "Deployment",
        "istiod",
        "spec.template.metadata.annotations.meshoperator.dev/certificate-authority",
        "rolls istiod when spec.certificateAuthority changes (istiod reads cacerts at start)");
    field(
        "*",
        "istiod|" + GW,
        "spec.template.spec.containers[*].securityContext.run*",
        "explicit UID/GID 1337 (the image's) so runAsNonRoot is checkable without the image");
    field(
        "ConfigMap",
        "istio",
        "data[mesh].defaultProviders.tracing",
        "demo: the operator runs the Jaeger addon and makes it the default tracing provider;"
            + " Istio's demo installs addons from samples/addons and leaves tracing to the user");

    // The config validation webhook.
    String validator =
        "the default revision's webhook for unlabeled config (base chart:"
            + " istiod-default-validator) is folded into the revision's own configuration";
    only(Side.CHART_ONLY, "ValidatingWebhookConfiguration", "istiod-default-validator", validator);
    field(
        "ValidatingWebhookConfiguration",
        "istio-validator-istio-system",
        "webhooks[validation.istio.io]",
        validator);
    field(
        "ValidatingWebhookConfiguration",
        "istio-validator-istio-system",
        "webhooks[rev.validation.istio.io].failurePolicy",
        "left to istiod, which sets Fail once it serves (the operator must not fight it)");

    // apiserver defaults written out on one side only.
    String defaulted = "the apiserver's default, written out on one side only; stored the same";
    field("Service", ANY, "spec.type", defaulted);
    field("Service", ANY, "spec.ports[*].targetPort", defaulted + " (targetPort = port)");
    field("Service", ANY, "spec.ports[*].protocol", defaulted + " (TCP)");
    field(
        "ValidatingWebhookConfiguration", ANY, "webhooks[*].clientConfig.service.port", defaulted);
    field("Deployment", "istiod", "spec.strategy.type", defaulted + " (RollingUpdate)");
    field(
        "Deployment",
        GW,
        "spec.template.spec.containers[*].env[*].valueFrom.fieldRef.apiVersion",
        defaulted + " (v1)");
    field(
        "Deployment",
        GW,
        "spec.template.spec.containers[istio-proxy].env[ISTIO_CPU_LIMIT].valueFrom.resourceFieldRef.divisor",
        defaulted + " (1; the 1.28 gateway charts omit it, later ones write it)");
    field(
        "Deployment",
        GW,
        "spec.template.spec.containers[istio-proxy].resources.limits",
        "the same quantities spelled differently (2000m = 2, 1024Mi = 1Gi)");

    // Gateways: the operator's follow Istio's gateway chart, not the legacy istio-ingress one.
    String gateway =
        "the operator's gateways are Istio's gateway chart (charts/gateway) injected with the"
            + " gateway template, the way Istio recommends installing gateways, not the legacy"
            + " gateways/istio-ingress|egress charts the profiles use; GatewayChartComparisonTest"
            + " compares them with the gateway chart leaf by leaf";
    for (String path :
        List.of(
            "spec.replicas",
            "spec.selector.matchLabels",
            "spec.strategy",
            "spec.template.metadata.annotations",
            "spec.template.metadata.labels.sidecar.istio.io/inject",
            "spec.template.spec.serviceAccountName",
            "spec.template.spec.terminationGracePeriodSeconds",
            "spec.template.spec.securityContext",
            "spec.template.spec.containers[istio-proxy].ports",
            "spec.template.spec.containers[istio-proxy].readinessProbe",
            "spec.template.spec.containers[istio-proxy].volumeMounts[config-volume]",
            "spec.template.spec.containers[istio-proxy].volumeMounts[*-certs]",
            "spec.template.spec.containers[istio-proxy].volumeMounts[*podinfo]",
            "spec.template.spec.containers[istio-proxy].volumeMounts[istio-token].readOnly",
            "spec.template.spec.volumes[config-volume]",
            "spec.template.spec.volumes[*-certs]",
            "spec.template.spec.volumes[*podinfo]",
            "spec.template.spec.volumes[istio-envoy].emptyDir.medium",
            "spec.template.spec.containers[istio-proxy].env[GOMEMLIMIT]",
            "spec.template.spec.containers[istio-proxy].env[GOMAXPROCS]",
            "spec.template.spec.containers[istio-proxy].env[ISTIO_META_APP_CONTAINERS]",
            "spec.template.spec.containers[istio-proxy].env[ISTIO_META_INTERCEPTION_MODE]",
            "spec.template.spec.containers[istio-proxy].env[ISTIO_META_POD_PORTS]",
            "spec.template.spec.containers[istio-proxy].env[PROXY_CONFIG]",
            "spec.template.spec.containers[istio-proxy].env[ISTIO_META_UNPRIVILEGED_POD]",
            "spec.template.spec.containers[istio-proxy].env[NODE_NAME]")) {
      field("Deployment", GW, path, gateway);
    }
  }

  private static void field(String kind, String name, String path, String reason) {
    ENTRIES.add(
        new Entry("F" + ENTRIES.size(), Side.FIELD, kind, Pattern.compile(name), path, reason));
  }

  private static void only(Side side, String kind, String name, String reason) {
    ENTRIES.add(new Entry("O" + ENTRIES.size(), side, kind, Pattern.compile(name), null, reason));
  }
}
