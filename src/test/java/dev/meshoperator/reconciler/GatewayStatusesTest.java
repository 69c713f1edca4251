package dev.meshoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.GatewayModel;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.TestResources;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-gateway status from the observed Deployments and Services. */
class GatewayStatusesTest {

  @Test
  void replicasReadinessAndLoadBalancerAddresses() {
    var cr = TestResources.mcp("istio-system", "default", s -> s.profile = Profile.DEMO);
    var cp = ControlPlane.of(cr);
    var gateways = Gateways.of(cr);
    var ingress = GatewayModel.deployment(cp, gateways.get(0));
    ingress.getMetadata().setGeneration(2L);
    ingress.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(2L)
            .withReplicas(1)
            .withUpdatedReplicas(1)
            .withReadyReplicas(1)
            .build());
    var egress = GatewayModel.deployment(cp, gateways.get(1));
    var service = GatewayModel.service(cp, gateways.get(0));
    service.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatus());
    service.getStatus().setLoadBalancer(new io.fabric8.kubernetes.api.model.LoadBalancerStatus());
    service
        .getStatus()
        .getLoadBalancer()
        .setIngress(
            List.of(
                new LoadBalancerIngressBuilder().withIp("203.0.113.7").build(),
                new LoadBalancerIngressBuilder().withHostname("lb.example.com").build(),
                new LoadBalancerIngressBuilder().build()));
    // istiod's objects of the same name are not a gateway's: only the component label counts.
    var impostor = GatewayModel.service(cp, gateways.get(1));
    impostor.getMetadata().getLabels().put("app.kubernetes.io/component", "istiod");

    var status = GatewayStatuses.of(gateways, List.of(ingress, egress), List.of(service, impostor));

    assertThat(status.get(0).ready).isTrue();
    assertThat(status.get(0).readyReplicas).isEqualTo(1);
    assertThat(status.get(0).addresses).containsExactly("203.0.113.7", "lb.example.com");
    assertThat(status.get(0).ports)
        .containsExactly("status-port:15021", "http2:80", "https:443", "tcp:31400", "tls:15443");
    assertThat(status.get(1).ready).isFalse();
    assertThat(status.get(1).readyReplicas).isZero();
    assertThat(status.get(1).addresses).isEmpty();
    assertThat(status.get(1).serviceType).isEqualTo("ClusterIP");
    assertThat(GatewayStatuses.components(status))
        .extracting(c -> c.name + ":" + c.ready)
        .containsExactly("istio-ingressgateway:true", "istio-egressgateway:false");
  }
}
