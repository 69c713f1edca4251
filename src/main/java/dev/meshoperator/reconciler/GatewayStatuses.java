package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.ComponentStatus;
import dev.meshoperator.api.v1alpha1.GatewayStatus;
import dev.meshoperator.model.GatewayModel;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.MeshNames;
import dev.meshoperator.reconciler.dependent.Conditions;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The status of each gateway, as a pure function of the resolved gateways and the Deployments and
 * Services observed: replicas, readiness and the Service's external addresses (what a user needs
 * for {@code GATEWAY_URL}).
 */
final class GatewayStatuses {

  private GatewayStatuses() {}

  static List<GatewayStatus> of(
      List<Gateways.Gateway> gateways, List<Deployment> deployments, List<Service> services) {
    List<GatewayStatus> out = new ArrayList<>();
    for (Gateways.Gateway g : gateways) {
      Optional<Deployment> d = find(deployments, g.namespace(), MeshNames.gateway(g));
      Optional<Service> s = find(services, g.namespace(), MeshNames.gateway(g));
      var status = new GatewayStatus();
      status.name = g.name();
      status.namespace = g.namespace();
      status.type = g.typeName();
      status.replicas =
          d.map(x -> x.getSpec().getReplicas() == null ? 1 : x.getSpec().getReplicas()).orElse(0);
      status.readyReplicas =
          d.map(Deployment::getStatus)
              .map(x -> x.getReadyReplicas() == null ? 0 : x.getReadyReplicas())
              .orElse(0);
      status.ready = d.map(Conditions::rolledOut).orElse(false);
      status.serviceType = s.map(x -> x.getSpec().getType()).orElse(g.serviceType().name());
      status.addresses = s.map(GatewayStatuses::addresses).orElse(List.of());
      status.ports = g.ports().stream().map(p -> p.name() + ":" + p.port()).toList();
      out.add(status);
    }
    return List.copyOf(out);
  }

  /** Each gateway as a component, so Ready and its message cover gateways too. */
  static List<ComponentStatus> components(List<GatewayStatus> gateways) {
    return gateways.stream()
        .map(
            g ->
                new ComponentStatus(
                    g.name, "Deployment", g.replicas, g.readyReplicas, g.ready, null))
        .toList();
  }

  /** The load balancer's IPs and host names, in the order the Service lists them. */
  static List<String> addresses(Service service) {
    if (service.getStatus() == null
        || service.getStatus().getLoadBalancer() == null
        || service.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (LoadBalancerIngress i : service.getStatus().getLoadBalancer().getIngress()) {
      if (i.getIp() != null && !i.getIp().isEmpty()) {
        out.add(i.getIp());
      } else if (i.getHostname() != null && !i.getHostname().isEmpty()) {
        out.add(i.getHostname());
      }
    }
    return List.copyOf(out);
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Optional<T> find(
      List<T> objects, String namespace, String name) {
    return objects.stream()
        .filter(o -> name.equals(o.getMetadata().getName()))
        .filter(o -> Objects.equals(namespace, o.getMetadata().getNamespace()))
        .filter(
            o ->
                o.getMetadata().getLabels() != null
                    && GatewayModel.COMPONENT.equals(
                        o.getMetadata()
                            .getLabels()
                            .get(dev.meshoperator.model.MeshLabels.COMPONENT)))
        .findFirst();
  }
}
