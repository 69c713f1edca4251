package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.GatewaySpec;
import dev.meshoperator.api.v1alpha1.IstiodSpec;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.model.Gateways.Gateway;
import dev.meshoperator.model.Gateways.Port;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Profile defaults and the merge rule of spec.gateways. */
class GatewaysTest {

  private static List<Gateway> gateways(Profile profile, GatewaySpec... entries) {
    return Gateways.of(
        TestResources.mcp(
            "istio-system",
            "default",
            s -> {
              s.profile = profile;
              s.gateways = entries.length == 0 ? null : List.of(entries);
            }));
  }

  private static GatewaySpec entry(String name, Consumer<GatewaySpec> body) {
    var g = new GatewaySpec();
    g.name = name;
    body.accept(g);
    return g;
  }

  @Test
  void defaultProfileHasIstiosIngressGateway() {
    assertThat(gateways(Profile.DEFAULT))
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.name()).isEqualTo("istio-ingressgateway");
              assertThat(g.type()).isEqualTo(GatewaySpec.Type.INGRESS);
              assertThat(g.namespace()).isEqualTo("istio-system");
              assertThat(g.labels())
                  .containsExactly(
                      Map.entry("app", "istio-ingressgateway"),
                      Map.entry("istio", "ingressgateway"));
              assertThat(g.ports())
                  .containsExactly(
                      new Port("status-port", 15021, 15021, null, "TCP"),
                      new Port("http2", 80, 8080, null, "TCP"),
                      new Port("https", 443, 8443, null, "TCP"));
              assertThat(g.serviceType()).isEqualTo(GatewaySpec.ServiceType.LoadBalancer);
              assertThat(g.autoscaling()).isTrue();
              assertThat(g.minReplicas()).isEqualTo(1);
              assertThat(g.maxReplicas()).isEqualTo(5);
              assertThat(g.targetCpu()).isEqualTo(80);
              assertThat(g.resources().getRequests().get("cpu").toString()).isEqualTo("100m");
            });
  }

  @Test
  void demoAddsTcpAndTlsPortsAndTheEgressGateway() {
    var all = gateways(Profile.DEMO);
    assertThat(all)
        .extracting(Gateway::name)
        .containsExactly("istio-ingressgateway", "istio-egressgateway");
    assertThat(all.get(0).ports())
        .extracting(Port::name, Port::port, Port::targetPort)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("status-port", 15021, 15021),
            org.assertj.core.groups.Tuple.tuple("http2", 80, 8080),
            org.assertj.core.groups.Tuple.tuple("https", 443, 8443),
            org.assertj.core.groups.Tuple.tuple("tcp", 31400, 31400),
            org.assertj.core.groups.Tuple.tuple("tls", 15443, 15443));
    Gateway egress = all.get(1);
    assertThat(egress.type()).isEqualTo(GatewaySpec.Type.EGRESS);
    assertThat(egress.labels())
        .containsExactly(
            Map.entry("app", "istio-egressgateway"), Map.entry("istio", "egressgateway"));
    assertThat(egress.ports()).extracting(Port::name).containsExactly("http2", "https");
    assertThat(egress.serviceType()).isEqualTo(GatewaySpec.ServiceType.ClusterIP);
    // demo: no autoscaling, one replica, small requests
    assertThat(all).allSatisfy(g -> assertThat(g.autoscaling()).isFalse());
    assertThat(all).allSatisfy(g -> assertThat(g.replicas()).isEqualTo(1));
    assertThat(all)
        .allSatisfy(
            g ->
                assertThat(g.resources().getRequests().get("memory").toString()).isEqualTo("40Mi"));
  }

  @Test
  void minimalAndEmptyHaveNone() {
    assertThat(gateways(Profile.MINIMAL)).isEmpty();
    assertThat(gateways(Profile.EMPTY)).isEmpty();
  }

  @Test
  void anEntryNamingAProfileGatewayChangesOnlyWhatItSets() {
    var g =
        gateways(
                Profile.DEFAULT,
                entry(
                    "istio-ingressgateway",
                    e -> {
                      e.replicas = 3;
                      e.autoscaling = new IstiodSpec.AutoscalingSpec();
                      e.autoscaling.enabled = false;
                      e.service = new GatewaySpec.GatewayServiceSpec();
                      e.service.type = GatewaySpec.ServiceType.NodePort;
                    }))
            .get(0);
    assertThat(g.replicas()).isEqualTo(3);
    assertThat(g.autoscaling()).isFalse();
    assertThat(g.serviceType()).isEqualTo(GatewaySpec.ServiceType.NodePort);
    // untouched: labels, ports, type
    assertThat(g.labels()).containsEntry("istio", "ingressgateway");
    assertThat(g.ports()).hasSize(3);
    assertThat(g.type()).isEqualTo(GatewaySpec.Type.INGRESS);
  }

  @Test
  void enabledFalseRemovesAProfileGatewayAndOtherNamesAddGateways() {
    var all =
        gateways(
            Profile.DEMO,
            entry("istio-egressgateway", e -> e.enabled = false),
            entry(
                "internal-egress",
                e -> {
                  e.type = GatewaySpec.Type.EGRESS;
                  e.namespace = "egress";
                }),
            entry("public", e -> {}));
    assertThat(all)
        .extracting(Gateway::name)
        .containsExactly("istio-ingressgateway", "internal-egress", "public");
    Gateway internal = all.get(1);
    assertThat(internal.namespace()).isEqualTo("egress");
    assertThat(internal.labels())
        .containsExactly(
            Map.entry("app", "internal-egress"), Map.entry("istio", "internal-egress"));
    assertThat(internal.ports()).extracting(Port::name).containsExactly("http2", "https");
    assertThat(all.get(2).type()).isEqualTo(GatewaySpec.Type.INGRESS);
  }

  @Test
  void setListsReplaceTheProfilesWhole() {
    var g =
        gateways(
                Profile.DEFAULT,
                entry(
                    "istio-ingressgateway",
                    e -> {
                      e.labels = Map.of("istio", "public");
                      e.service = new GatewaySpec.GatewayServiceSpec();
                      var p = new GatewaySpec.GatewayPort();
                      p.name = "https";
                      p.port = 443;
                      e.service.ports = List.of(p);
                    }))
            .get(0);
    assertThat(g.labels()).containsExactly(Map.entry("istio", "public"));
    assertThat(g.ports()).containsExactly(new Port("https", 443, 443, null, "TCP"));
  }

  @Test
  void aCanaryRevisionsProfileGatewaysAreRevisionedButSelectedAsIstios() {
    var all =
        Gateways.of(TestResources.mcp("istio-system", "canary", s -> s.profile = Profile.DEMO));
    assertThat(all)
        .extracting(Gateway::name)
        .containsExactly("istio-ingressgateway-canary", "istio-egressgateway-canary");
    assertThat(all.get(0).labels())
        .containsExactly(
            Map.entry("app", "istio-ingressgateway"), Map.entry("istio", "ingressgateway"));
  }

  @Test
  void invalidResourceQuantitiesAreNamedByField() {
    var ok = entry("a", e -> e.resources = resources("cpu", "500m", "memory", "1Gi"));
    assertThat(Gateways.problem(List.of(ok))).isEmpty();
    assertThat(Gateways.problem(List.of(entry("b", e -> e.resources = resources("cpu", "2")))))
        .isEmpty();
    assertThat(
            Gateways.problem(List.of(ok, entry("b", e -> e.resources = resources("cpu", "lots")))))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .startsWith("spec.gateways[1].resources.requests.cpu must be a non-negative")
                    .contains("\"lots\""));
    var negative =
        entry(
            "c",
            e -> {
              e.resources = new io.fabric8.kubernetes.api.model.ResourceRequirements();
              e.resources.setLimits(
                  Map.of("memory", new io.fabric8.kubernetes.api.model.Quantity("-1Gi")));
            });
    assertThat(Gateways.problem(List.of(negative)))
        .hasValueSatisfying(
            m -> assertThat(m).startsWith("spec.gateways[0].resources.limits.memory"));
  }

  @Test
  void gatewaysTheWebhookNeverSeesAreRefused() {
    var ok = gateways(Profile.DEFAULT, entry("x", e -> e.namespace = "edge"));
    assertThat(Gateways.namespaceProblem(ok, "istio-operator")).isEmpty();
    for (String ns : List.of("istio-operator", "kube-system")) {
      var bad = gateways(Profile.MINIMAL, entry("x", e -> e.namespace = ns));
      assertThat(Gateways.namespaceProblem(bad, "istio-operator"))
          .hasValueSatisfying(m -> assertThat(m).startsWith("spec.gateways[x].namespace " + ns));
    }
  }

  private static io.fabric8.kubernetes.api.model.ResourceRequirements resources(String... kv) {
    var r = new io.fabric8.kubernetes.api.model.ResourceRequirements();
    var m = new java.util.LinkedHashMap<String, io.fabric8.kubernetes.api.model.Quantity>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], new io.fabric8.kubernetes.api.model.Quantity(kv[i + 1]));
    }
    r.setRequests(m);
    return r;
  }
}
