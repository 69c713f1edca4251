package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.GatewaySpec;
import dev.meshoperator.api.v1alpha1.IstiodSpec;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.Profile;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The objects of a gateway, as Istio's gateway chart makes them. */
class GatewayModelTest {

  private static final MeshControlPlane DEMO =
      TestResources.mcp("istio-system", "default", s -> s.profile = Profile.DEMO);

  private static Gateways.Gateway ingress(MeshControlPlane cr) {
    return Gateways.of(cr).get(0);
  }

  @Test
  void deploymentPodIsLabeledForTheGatewayTemplate() {
    var cp = ControlPlane.of(DEMO);
    var d = GatewayModel.deployment(cp, ingress(DEMO));
    assertThat(d.getMetadata().getName()).isEqualTo("istio-ingressgateway");
    assertThat(d.getMetadata().getNamespace()).isEqualTo("istio-system");
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    var pod = d.getSpec().getTemplate();
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("inject.istio.io/templates", "gateway")
        .containsEntry("sidecar.istio.io/inject", "true")
        .containsEntry("prometheus.io/port", "15020")
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/path", "/stats/prometheus");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("sidecar.istio.io/inject", "true")
        .containsEntry("app", "istio-ingressgateway")
        .containsEntry("istio", "ingressgateway")
        .containsEntry("istio.io/dataplane-mode", "none")
        // the default revision is selected by sidecar.istio.io/inject, as in the chart
        .doesNotContainKey("istio.io/rev");
    assertThat(pod.getMetadata().getLabels())
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    var spec = pod.getSpec();
    assertThat(spec.getServiceAccountName()).isEqualTo("istio-ingressgateway");
    assertThat(spec.getSecurityContext().getSysctls())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo("net.ipv4.ip_unprivileged_port_start");
              assertThat(s.getValue()).isEqualTo("0");
            });
    assertThat(spec.getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("istio-proxy");
              assertThat(c.getImage()).isEqualTo("auto");
              var sc = c.getSecurityContext();
              assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
              assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
              assertThat(sc.getPrivileged()).isFalse();
              assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
              assertThat(sc.getRunAsNonRoot()).isTrue();
              assertThat(c.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(15090);
            });
  }

  @Test
  void otherRevisionsAreSelectedByTheirRevisionLabel() {
    var cr = TestResources.mcp("istio-system", "canary", s -> {});
    var pod = GatewayModel.deployment(ControlPlane.of(cr), ingress(cr)).getSpec().getTemplate();
    assertThat(pod.getMetadata().getLabels()).containsEntry("istio.io/rev", "canary");
  }

  /**
   * A gateway pod in an unlabeled namespace reaches exactly one of this revision's webhooks, as it
   * does Istio's object-selector webhooks: the labels are evaluated here with the apiserver's
   * selector semantics against the MutatingWebhookModel.
   */
  @Test
  void gatewayPodsMatchTheInjectorsObjectSelectorInAnUnlabeledNamespace() {
    for (String rev : List.of("default", "canary")) {
      var cr = TestResources.mcp("istio-system", rev, s -> {});
      var cp = ControlPlane.of(cr);
      var podLabels =
          GatewayModel.deployment(cp, ingress(cr))
              .getSpec()
              .getTemplate()
              .getMetadata()
              .getLabels();
      var endpoint =
          new MutatingWebhookModel.Endpoint(
              java.util.Optional.of("https://127.0.0.1:1/inject"),
              "istio-operator",
              "istio-operator",
              443,
              "/inject");
      var hooks = MutatingWebhookModel.webhook(cp, endpoint, "Y2E=").getWebhooks();
      Map<String, String> namespaceLabels = Map.of("kubernetes.io/metadata.name", "istio-system");
      List<String> matching =
          hooks.stream()
              .filter(h -> matches(h.getNamespaceSelector().getMatchExpressions(), namespaceLabels))
              .filter(h -> matches(h.getObjectSelector().getMatchExpressions(), podLabels))
              .map(MutatingWebhook::getName)
              .toList();
      assertThat(matching)
          .as(rev)
          .containsExactly(
              rev.equals("default")
                  ? "object.sidecar-injector.istio.io"
                  : "rev.object.sidecar-injector.istio.io");
    }
  }

  /** The apiserver's matchExpressions semantics (In, NotIn, Exists, DoesNotExist). */
  static boolean matches(List<LabelSelectorRequirement> requirements, Map<String, String> labels) {
    for (var r : requirements) {
      String v = labels.get(r.getKey());
      boolean ok =
          switch (r.getOperator()) {
            case "In" -> v != null && r.getValues().contains(v);
            case "NotIn" -> v == null || !r.getValues().contains(v);
            case "Exists" -> v != null;
            case "DoesNotExist" -> v == null;
            default -> throw new IllegalArgumentException(r.getOperator());
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Test
  void serviceSelectsIstiosLabelsWithTheProfilePorts() {
    var cp = ControlPlane.of(DEMO);
    var s = GatewayModel.service(cp, ingress(DEMO));
    assertThat(s.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(s.getSpec().getSelector())
        .containsExactly(
            Map.entry("app", "istio-ingressgateway"), Map.entry("istio", "ingressgateway"));
    assertThat(s.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getIntVal())
        .containsExactly(
            "status-port:15021->15021",
            "http2:80->8080",
            "https:443->8443",
            "tcp:31400->31400",
            "tls:15443->15443");
    var egress = GatewayModel.service(cp, Gateways.of(DEMO).get(1));
    assertThat(egress.getSpec().getType()).isEqualTo("ClusterIP");
  }

  @Test
  void secretsForSdsComeFromABindingToTheStaticReader() {
    var cp = ControlPlane.of(DEMO);
    var rb = GatewayModel.secretsRoleBinding(cp, ingress(DEMO));
    assertThat(rb.getMetadata().getNamespace()).isEqualTo("istio-system");
    assertThat(rb.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(rb.getRoleRef().getName()).isEqualTo(OperatorRbac.GATEWAY_SECRETS_READER);
    assertThat(rb.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo("istio-ingressgateway");
              assertThat(s.getNamespace()).isEqualTo("istio-system");
            });
  }

  @Test
  void autoscaledGatewaysLeaveReplicasToTheirHpaAndGetAPdbOnlyAboveOne() {
    var cr = TestResources.mcp("istio-system", "default", s -> {});
    var cp = ControlPlane.of(cr);
    var g = ingress(cr);
    assertThat(GatewayModel.autoscaled(g)).isTrue();
    assertThat(GatewayModel.deployment(cp, g).getSpec().getReplicas()).isNull();
    var hpa = GatewayModel.autoscaler(cp, g);
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
        .isEqualTo(80);
    assertThat(GatewayModel.disruptionBudgeted(g)).isFalse();

    var two =
        TestResources.mcp(
            "istio-system",
            "default",
            s -> {
              var e = new GatewaySpec();
              e.name = "istio-ingressgateway";
              e.autoscaling = new IstiodSpec.AutoscalingSpec();
              e.autoscaling.minReplicas = 2;
              s.gateways = List.of(e);
            });
    var g2 = ingress(two);
    assertThat(GatewayModel.disruptionBudgeted(g2)).isTrue();
    var pdb = GatewayModel.disruptionBudget(ControlPlane.of(two), g2);
    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(GatewayModel.selector(g2));
  }

  /** Gateways do not restart when only istiod changes: nothing of istiod reaches them. */
  @Test
  void istiodSettingsAndTheVersionDoNotChangeTheGateway() {
    var before = TestResources.mcp("istio-system", "default", s -> s.profile = Profile.DEMO);
    var after =
        TestResources.mcp(
            "istio-system",
            "default",
            s -> {
              s.profile = Profile.DEMO;
              s.version = "1.29.6";
              s.hub = "registry.example.com/istio";
              s.istiod = new IstiodSpec();
              s.istiod.replicas = 3;
              s.istiod.env = List.of(new EnvVar("PILOT_TRACE_SAMPLING", "5", null));
              s.meshConfig = Map.of("accessLogFile", "");
            });
    for (int i = 0; i < 2; i++) {
      assertThat(GatewayModel.deployment(ControlPlane.of(after), Gateways.of(after).get(i)))
          .isEqualTo(GatewayModel.deployment(ControlPlane.of(before), Gateways.of(before).get(i)));
    }
  }
}
