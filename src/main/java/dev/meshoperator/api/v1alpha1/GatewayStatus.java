package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * Observed state of one gateway: what a user needs to reach it (its Service's type, ports and
 * external addresses, as in {@code export INGRESS_HOST=...} of Istio's quick start).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayStatus {

  public String name;
  public String namespace;

  /** ingress or egress. */
  public String type;

  public Integer replicas;
  public Integer readyReplicas;
  public Boolean ready;

  /** The Service's type. */
  public String serviceType;

  /** The load balancer's IPs and host names, once assigned; empty before. */
  public List<String> addresses;

  /** Service ports as {@code name:port}, e.g. {@code http2:80}. */
  public List<String> ports;

  @Override
  public boolean equals(Object o) {
    return o instanceof GatewayStatus g
        && Objects.equals(name, g.name)
        && Objects.equals(namespace, g.namespace)
        && Objects.equals(type, g.type)
        && Objects.equals(replicas, g.replicas)
        && Objects.equals(readyReplicas, g.readyReplicas)
        && Objects.equals(ready, g.ready)
        && Objects.equals(serviceType, g.serviceType)
        && Objects.equals(addresses, g.addresses)
        && Objects.equals(ports, g.ports);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name, namespace, type, replicas, readyReplicas, ready, serviceType, addresses, ports);
  }
}
