package dev.meshoperator.api.v1alpha1;

import static dev.meshoperator.api.v1alpha1.SchemaTypes.DNS_SUBDOMAIN;
import static dev.meshoperator.api.v1alpha1.SchemaTypes.IMAGE;
import static dev.meshoperator.api.v1alpha1.SchemaTypes.LABEL_VALUE;
import static dev.meshoperator.api.v1alpha1.SchemaTypes.QUALIFIED_KEY_CEL;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the istiod Deployment. Unset fields take the profile's defaults. Every field is
 * bounded in the CRD schema (see {@link SchemaTypes}), so the operator never reads a value Java
 * cannot hold or Kubernetes would refuse later.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IstiodSpec {

  /** Upper bound of every replica count. */
  public static final int MAX_REPLICAS = 1000;

  @JsonPropertyDescription("Run istiod. Default: true, except for the empty profile.")
  public Boolean enabled;

  @JsonPropertyDescription("Full image reference overriding <hub>/pilot:<tag>.")
  @Size(max = 512)
  @Pattern(IMAGE)
  public String image;

  @JsonPropertyDescription("Replicas when autoscaling is off, 0-1000. Default 1.")
  @Min(0)
  @Max(MAX_REPLICAS)
  public Integer replicas;

  @JsonPropertyDescription(
      "Compute resources of the discovery container (at most 8 limits and 8 requests).")
  @SchemaFrom(type = SchemaTypes.Resources.class)
  public ResourceRequirements resources;

  @JsonPropertyDescription("Horizontal pod autoscaling of istiod.")
  public AutoscalingSpec autoscaling;

  @JsonPropertyDescription(
      "PodDisruptionBudget (minAvailable 1). Created only when istiod runs more than one replica,"
          + " so a single replica never blocks node drains.")
  public PodDisruptionBudgetSpec podDisruptionBudget;

  @JsonPropertyDescription("Node labels istiod's pods must match (at most 64 label pairs).")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(k, " + QUALIFIED_KEY_CEL + ")",
      message =
          "istiod.nodeSelector keys must be label keys: an optional DNS-subdomain prefix and /,"
              + " then a name of at most 63 alphanumerics, -, _ or .")
  public Map<String, @Size(max = 63) @Pattern(LABEL_VALUE) String> nodeSelector;

  @JsonPropertyDescription("Tolerations of istiod's pods (at most 32).")
  @Size(max = 32)
  @SchemaFrom(type = SchemaTypes.TolerationList.class)
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Scheduling affinity of istiod's pods.")
  @SchemaFrom(type = SchemaTypes.AffinitySchema.class)
  public Affinity affinity;

  @JsonPropertyDescription(
      "Extra environment variables of the discovery container (PILOT_*), at most 64.")
  @Size(max = 64)
  @SchemaFrom(type = SchemaTypes.EnvList.class)
  public List<EnvVar> env;

  @JsonPropertyDescription("Annotations added to istiod's pods (at most 64).")
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(k, " + QUALIFIED_KEY_CEL + ")",
      message =
          "istiod.podAnnotations keys must be annotation keys: an optional DNS-subdomain prefix"
              + " and /, then a name of at most 63 alphanumerics, -, _ or .")
  public Map<String, @Size(max = 65536) String> podAnnotations;

  @JsonPropertyDescription("PriorityClass of istiod's pods (a DNS subdomain, at most 253).")
  @Size(max = 253)
  @Pattern(DNS_SUBDOMAIN)
  public String priorityClassName;

  /** Autoscaling bounds; min must not exceed max. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
      message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
  public static class AutoscalingSpec {
    @JsonPropertyDescription("Default: on for the default profile, off for demo.")
    public Boolean enabled;

    @JsonPropertyDescription("1-1000. Default 1.")
    @Min(1)
    @Max(MAX_REPLICAS)
    public Integer minReplicas;

    @JsonPropertyDescription("1-1000. Default 5 (or minReplicas, if that is larger).")
    @Min(1)
    @Max(MAX_REPLICAS)
    public Integer maxReplicas;

    @JsonPropertyDescription(
        "Target average CPU utilization in percent of the CPU request, 1-1000. Default 80.")
    @Min(1)
    @Max(1000)
    public Integer targetCPUUtilizationPercentage;
  }

  /** Whether a PodDisruptionBudget protects istiod when it has more than one replica. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PodDisruptionBudgetSpec {
    @JsonPropertyDescription("Default true.")
    public Boolean enabled;
  }
}
