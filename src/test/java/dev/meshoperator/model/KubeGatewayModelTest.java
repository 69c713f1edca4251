package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** What the operator deploys for a Gateway API Gateway of class istio. */
class KubeGatewayModelTest {

  static final Gateway GATEWAY =
      Serialization.unmarshal(
          """
          apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata: {name: bookinfo-gateway, namespace: apps}
          spec:
            gatewayClassName: istio
            listeners:
            - {name: http, port: 80, protocol: HTTP}
            - {name: http-alt, port: 80, protocol: HTTP, hostname: other.example.com}
            - {name: TLS_Passthrough, port: 8443, protocol: TLS}
          """,
          Gateway.class);

  @Test
  void namesSelectorAndPortsAreIstiodsDeploymentControllers() {
    var cp = ControlPlane.of(TestResources.mcp());
    var d = KubeGatewayModel.deployment(cp, GATEWAY);
    assertThat(d.getMetadata().getName()).isEqualTo("bookinfo-gateway-istio");
    assertThat(d.getMetadata().getNamespace()).isEqualTo("apps");
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .containsExactly(java.util.Map.entry(KubeGatewayModel.GATEWAY_NAME, "bookinfo-gateway"));
    var pod = d.getSpec().getTemplate();
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(KubeGatewayModel.GATEWAY_NAME, "bookinfo-gateway")
        .containsEntry("sidecar.istio.io/inject", "true");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("inject.istio.io/templates", "gateway");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("bookinfo-gateway-istio");
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("auto");

    var s = KubeGatewayModel.service(cp, GATEWAY);
    assertThat(s.getMetadata().getName()).isEqualTo("bookinfo-gateway-istio");
    assertThat(s.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(s.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + ":" + p.getAppProtocol())
        .containsExactly("status-port:15021:tcp", "http:80:http", "tls-passthrough:8443:tls");
    assertThat(KubeGatewayModel.serviceAccount(cp, GATEWAY).getMetadata().getName())
        .isEqualTo("bookinfo-gateway-istio");
  }

  @Test
  void classAndRevisionDecideWhoDeploysIt() {
    assertThat(KubeGatewayModel.ours(GATEWAY)).isTrue();
    assertThat(KubeGatewayModel.revision(GATEWAY)).isEqualTo("default");
    var other = new io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder(GATEWAY).build();
    other.getSpec().setGatewayClassName("envoy");
    assertThat(KubeGatewayModel.ours(other)).isFalse();
    other.getMetadata().setLabels(java.util.Map.of("istio.io/rev", "canary"));
    assertThat(KubeGatewayModel.revision(other)).isEqualTo("canary");
    var canary = ControlPlane.of(TestResources.mcp("istio-system", "canary", x -> {}));
    assertThat(
            KubeGatewayModel.deployment(canary, other)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels())
        .containsEntry("istio.io/rev", "canary");
  }
}
