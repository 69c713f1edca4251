package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/**
 * The health report of one revision: the namespaces enabled for it and what the sidecars of their
 * pods say. Bounded whatever the cluster's size: counts, plus at most {@value #EXAMPLES} example
 * names per group, never full lists.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthStatus {

  /** Example names kept per group. */
  public static final int EXAMPLES = 5;

  /** A count and at most {@value #EXAMPLES} examples ({@code namespace/name} for pods). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Group {
    @Min(0)
    @Max(Integer.MAX_VALUE)
    public Integer count;

    @Size(max = EXAMPLES)
    public List<String> examples;

    public Group() {}

    public Group(int count, List<String> examples) {
      this.count = count;
      this.examples = examples == null || examples.isEmpty() ? null : List.copyOf(examples);
    }

    public int count() {
      return count == null ? 0 : count;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Group g
          && Objects.equals(count, g.count)
          && Objects.equals(examples, g.examples);
    }

    @Override
    public int hashCode() {
      return Objects.hash(count, examples);
    }
  }

  @JsonPropertyDescription(
      "Namespaces whose label selects this revision (istio-injection=enabled for the default"
          + " revision, istio.io/rev=<name>)")
  public Group namespaces;

  @JsonPropertyDescription(
      "Running pods in those namespaces that want a sidecar (pods opted out are not counted)")
  @Min(0)
  @Max(Integer.MAX_VALUE)
  public Integer pods;

  @JsonPropertyDescription("Of those, pods whose sidecar is this revision's, at its version")
  @Min(0)
  @Max(Integer.MAX_VALUE)
  public Integer upToDate;

  @JsonPropertyDescription(
      "Pods without a sidecar: created before the namespace was labelled (or while injection"
          + " was unavailable); a restart (kubectl rollout restart) injects them")
  public Group withoutSidecar;

  @JsonPropertyDescription(
      "Pods whose sidecar was injected by another revision (sidecar.istio.io/status); a restart"
          + " moves them to this one")
  public Group otherRevision;

  @JsonPropertyDescription(
      "Pods with this revision's sidecar at another version (the istio-proxy image's tag); a"
          + " restart upgrades them")
  public Group olderVersion;

  @JsonPropertyDescription("Pods that opted out of injection (sidecar.istio.io/inject=false)")
  @Min(0)
  @Max(Integer.MAX_VALUE)
  public Integer optedOut;

  /** Pods that need a restart: without a sidecar, another revision's, or another version's. */
  public int needRestart() {
    return count(withoutSidecar) + count(otherRevision) + count(olderVersion);
  }

  private static int count(Group g) {
    return g == null ? 0 : g.count();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthStatus h
        && Objects.equals(namespaces, h.namespaces)
        && Objects.equals(pods, h.pods)
        && Objects.equals(upToDate, h.upToDate)
        && Objects.equals(withoutSidecar, h.withoutSidecar)
        && Objects.equals(otherRevision, h.otherRevision)
        && Objects.equals(olderVersion, h.olderVersion)
        && Objects.equals(optedOut, h.optedOut);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        namespaces, pods, upToDate, withoutSidecar, otherRevision, olderVersion, optedOut);
  }

  @Override
  public String toString() {
    return "HealthStatus{namespaces="
        + count(namespaces)
        + ", pods="
        + pods
        + ", upToDate="
        + upToDate
        + ", withoutSidecar="
        + count(withoutSidecar)
        + ", otherRevision="
        + count(otherRevision)
        + ", olderVersion="
        + count(olderVersion)
        + ", optedOut="
        + optedOut
        + "}";
  }
}
