package dev.meshoperator.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * A pod as the health report reads it from the API: the fields {@link SidecarHealth.PodFacts} is
 * made of and nothing else. The pod informer lists and watches this type instead of {@link Pod}, so
 * Jackson skips every other field while parsing (managed fields, volumes, probes, status
 * conditions...) and listing 10,000 pods builds 10,000 small objects instead of 10,000 whole Pods
 * that only pass through: less garbage promoted during the initial list, so a heap that stays
 * smaller, and fewer classes loaded for it.
 */
@Group("")
@Version("v1")
@Kind("Pod")
@Plural("pods")
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
// A bean like fabric8's own models, not the resource deserializer every KubernetesResource gets,
// which picks the class by kind and would read a Pod.
@JsonDeserialize(using = JsonDeserializer.None.class)
public final class PodSummary implements HasMetadata, Namespaced {

  private String apiVersion = "v1";
  private ObjectMeta metadata;
  private Spec spec;
  private Status status;

  /** The metadata without what the report never reads (skipped, not parsed). */
  @JsonIgnoreProperties(
      ignoreUnknown = true,
      value = {
        "managedFields",
        "ownerReferences",
        "finalizers",
        "generateName",
        "uid",
        "creationTimestamp",
        "generation",
        "selfLink",
        "deletionGracePeriodSeconds"
      })
  public static final class Meta extends ObjectMeta {}

  /** What the report reads of the spec. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Spec(
      Boolean hostNetwork, List<ContainerRef> containers, List<ContainerRef> initContainers) {}

  /** A container's name and image. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ContainerRef(String name, String image) {}

  /** The pod's phase. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Status(String phase) {}

  public PodSummary() {}

  public PodSummary(ObjectMeta metadata, Spec spec, Status status) {
    this.metadata = metadata;
    this.spec = spec;
    this.status = status;
  }

  /** The summary of a whole pod (what reading it from the API as this type gives). */
  public static PodSummary of(Pod pod) {
    var s = pod.getSpec();
    return new PodSummary(
        pod.getMetadata(),
        s == null
            ? null
            : new Spec(s.getHostNetwork(), refs(s.getContainers()), refs(s.getInitContainers())),
        pod.getStatus() == null ? null : new Status(pod.getStatus().getPhase()));
  }

  private static List<ContainerRef> refs(List<Container> containers) {
    return containers == null
        ? null
        : containers.stream().map(c -> new ContainerRef(c.getName(), c.getImage())).toList();
  }

  @Override
  public ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  @JsonDeserialize(as = Meta.class)
  public void setMetadata(ObjectMeta metadata) {
    this.metadata = metadata;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  public Spec getSpec() {
    return spec;
  }

  public void setSpec(Spec spec) {
    this.spec = spec;
  }

  public Status getStatus() {
    return status;
  }

  public void setStatus(Status status) {
    this.status = status;
  }
}
