package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshoperator.injection.KubeInject;
import dev.meshoperator.testing.Helm;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator's ingress gateway compared, field by field, with what Istio 1.30.3's gateway chart
 * ({@code ../shared/istio-releases/1.30.3/charts/gateway}, rendered by {@code helm template}) gives
 * after Istio's injection. Both Deployments go through the same injector (this project's, which
 * matches Istio's own injection corpus, gateway cases included), with the settings of a default
 * MeshControlPlane in istio-system; then every leaf of the two injected Deployments is compared.
 * Every difference must be one listed in {@link #EXPECTED}, with its reason, and every listed
 * difference must still be there (so the list cannot go stale).
 *
 * <p>helm comes from {@code hack/build-helm.sh} (built from the Go module proxy, cached under
 * ~/.cache/istio-operator; {@code hack/test.sh} builds it). The test is skipped, saying so, only
 * when helm or {@code ../shared} is missing.
 */
class GatewayChartComparisonTest {

  static final Path CHART =
      ProjectDir.get().resolve("../shared/istio-releases/1.30.3/charts/gateway").normalize();

  /** Leaf paths (array indices by name where items have one) that differ, and why. */
  static final Map<String, String> EXPECTED = new TreeMap<>();

  static {
    String helmLabels =
        "Helm's release labels (managed-by Helm, instance = release, version, helm.sh/chart);"
            + " the operator labels its objects as its own (managed-by istio-operator, instance ="
            + " the MeshControlPlane, component gateway, istio.io/rev, control-plane namespace)";
    for (String key :
        List.of(
            "app.kubernetes.io/managed-by",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/version",
            "helm.sh/chart",
            "app.kubernetes.io/component",
            "istio.io/rev",
            "meshoperator.dev/control-plane-namespace")) {
      EXPECTED.put("metadata.labels." + key, helmLabels);
    }
    for (String key :
        List.of(
            "app.kubernetes.io/managed-by",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/version",
            "helm.sh/chart",
            "app.kubernetes.io/component")) {
      EXPECTED.put("spec.template.metadata.labels." + key, helmLabels + ", on the pods too");
    }
    EXPECTED.put(
        "spec.selector.matchLabels.istio",
        "the operator's Deployment selector is the gateway's name and component, not the"
            + " user-settable app/istio labels, so changing spec.gateways[].labels relabels pods"
            + " instead of failing on the immutable selector; the Service still selects app/istio");
    EXPECTED.put("spec.selector.matchLabels.app", EXPECTED.get("spec.selector.matchLabels.istio"));
    EXPECTED.put(
        "spec.selector.matchLabels.app.kubernetes.io/name",
        EXPECTED.get("spec.selector.matchLabels.istio"));
    EXPECTED.put(
        "spec.selector.matchLabels.app.kubernetes.io/component",
        EXPECTED.get("spec.selector.matchLabels.istio"));
    EXPECTED.put(
        "spec.template.metadata.labels.service.istio.io/canonical-revision",
        "the injector derives it from app.kubernetes.io/version, which Helm sets to the chart's"
            + " appVersion (1.0.0 in the release's chart sources); the operator sets no version"
            + " label on the pods (it would make the pod template change, and gateways restart,"
            + " with every Istio version), so it is Istio's default, latest");
  }

  @Test
  void theOperatorsIngressGatewayIsTheChartsAfterInjection() throws Exception {
    Path helm = Helm.binary();
    assumeTrue(Files.isDirectory(CHART), "../shared (Istio's charts) is not present");
    assumeTrue(
        Files.isExecutable(helm), helm + " is missing: run hack/build-helm.sh (hack/test.sh does)");

    String rendered =
        Helm.template("istio-ingressgateway", CHART.toString(), "--namespace", "istio-system");
    String chartDeployment =
        KubeInject.parseDocuments(rendered).stream()
            .filter(d -> "Deployment".equals(d.path("kind").asText()))
            .map(GatewayChartComparisonTest::withoutNulls)
            .map(JsonNode::toString)
            .findFirst()
            .orElseThrow();

    var cr = TestResources.mcp();
    var cp = ControlPlane.of(cr);
    var ours = GatewayModel.deployment(cp, Gateways.of(cr).get(0));
    var settings = InjectionSettingsModel.settings(cp, true);

    JsonNode chart = injected(chartDeployment, settings);
    JsonNode operator = injected(Serialization.asJson(ours), settings);

    Map<String, String> a = new TreeMap<>();
    Map<String, String> b = new TreeMap<>();
    flatten("", chart, a);
    flatten("", operator, b);
    List<String> differences = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(a.keySet());
    paths.addAll(b.keySet());
    TreeSet<String> seen = new TreeSet<>();
    for (String path : paths) {
      String x = a.get(path);
      String y = b.get(path);
      if (x != null && x.equals(y)) {
        continue;
      }
      String listed = listed(path);
      if (listed == null) {
        differences.add(path + ": chart=" + x + " operator=" + y);
      } else {
        seen.add(listed);
      }
    }
    System.out.printf(
        "GatewayChartComparisonTest: %d leaves compared, %d listed differences%n",
        paths.size(), seen.size());
    assertThat(differences).as("unlisted differences").isEmpty();
    assertThat(seen).as("listed differences still present").isEqualTo(EXPECTED.keySet());
    // What matters most is identical: the injected proxy of both.
    assertThat(operator.at("/spec/template/spec/containers/0"))
        .isEqualTo(chart.at("/spec/template/spec/containers/0"));
  }

  private static String listed(String path) {
    if (EXPECTED.containsKey(path)) {
      return path;
    }
    for (String p : EXPECTED.keySet()) {
      if (path.equals(p) || path.startsWith(p + ".")) {
        return p;
      }
    }
    return null;
  }

  private static JsonNode injected(
      String deploymentJson, dev.meshoperator.injection.InjectionSettings s) {
    String yaml = KubeInject.injectYaml(deploymentJson, s);
    JsonNode doc = KubeInject.parseDocuments(yaml).get(0);
    // Only what was asked of the Deployment: drop the status kube-inject writes.
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc).remove("status");
    return doc;
  }

  /**
   * The chart writes {@code env:} with nothing after it (no env values set): null in YAML, as the
   * apiserver reads it. Jackson's YAML reader gives an empty string there, which is no EnvVar list;
   * such empty fields are dropped, as the apiserver drops nulls.
   */
  static JsonNode withoutNulls(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
      List<String> empty = new ArrayList<>();
      o.fields()
          .forEachRemaining(
              e -> {
                JsonNode v = e.getValue();
                if (v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                  empty.add(e.getKey());
                } else {
                  withoutNulls(v);
                }
              });
      empty.forEach(o::remove);
    } else if (node.isArray()) {
      node.forEach(GatewayChartComparisonTest::withoutNulls);
    }
    return node;
  }

  /** Leaves as {@code a.b.name} paths; list items by their name (containers, env, volumes). */
  static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      if (node.isEmpty()) {
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        String key =
            item.isObject() && item.has("name") ? item.get("name").asText() : String.valueOf(i);
        flatten(prefix + "[" + key + "]", item, out);
      }
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }
}
