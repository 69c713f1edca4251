package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** Readiness of one enabled addon and where it is reached inside the cluster. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AddonStatus {

  public String name;
  public Boolean ready;
  public Integer readyReplicas;
  public String image;

  /** The in-cluster URL of its UI or API, e.g. http://prometheus.istio-system:9090. */
  public String url;

  public AddonStatus() {}

  public AddonStatus(String name, boolean ready, int readyReplicas, String image, String url) {
    this.name = name;
    this.ready = ready;
    this.readyReplicas = readyReplicas;
    this.image = image;
    this.url = url;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddonStatus a
        && Objects.equals(name, a.name)
        && Objects.equals(ready, a.ready)
        && Objects.equals(readyReplicas, a.readyReplicas)
        && Objects.equals(image, a.image)
        && Objects.equals(url, a.url);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, ready, readyReplicas, image, url);
  }
}
