package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** Readiness of one component (istiod, a gateway, an addon). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ComponentStatus {

  public String name;
  public String kind;
  public Integer replicas;
  public Integer readyReplicas;
  public Boolean ready;
  public String image;

  public ComponentStatus() {}

  public ComponentStatus(
      String name, String kind, int replicas, int readyReplicas, boolean ready, String image) {
    this.name = name;
    this.kind = kind;
    this.replicas = replicas;
    this.readyReplicas = readyReplicas;
    this.ready = ready;
    this.image = image;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ComponentStatus c
        && Objects.equals(name, c.name)
        && Objects.equals(kind, c.kind)
        && Objects.equals(replicas, c.replicas)
        && Objects.equals(readyReplicas, c.readyReplicas)
        && Objects.equals(ready, c.ready)
        && Objects.equals(image, c.image);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, replicas, readyReplicas, ready, image);
  }
}
