package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Settings of the istiod Deployment. Unset fields take the profile's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IstiodSpec {

  @JsonPropertyDescription("Run istiod. Default: true, except for the empty profile.")
  public Boolean enabled;

  @JsonPropertyDescription("Full image reference overriding <hub>/pilot:<tag>.")
  public String image;

  @JsonPropertyDescription("Replicas when autoscaling is off. Default 1.")
  @Min(0)
  public Integer replicas;

  @JsonPropertyDescription("Compute resources of the discovery container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("Horizontal pod autoscaling of istiod.")
  public AutoscalingSpec autoscaling;

  @JsonPropertyDescription(
      "PodDisruptionBudget (minAvailable 1). Created only when istiod runs more than one replica,"
          + " so a single replica never blocks node drains.")
  public PodDisruptionBudgetSpec podDisruptionBudget;

  public Map<String, String> nodeSelector;
  public List<Toleration> tolerations;
  public Affinity affinity;

  @JsonPropertyDescription("Extra environment variables of the discovery container (PILOT_*).")
  public List<EnvVar> env;

  public Map<String, String> podAnnotations;
  public String priorityClassName;

  /** Autoscaling bounds; min must not exceed max. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @io.fabric8.generator.annotation.ValidationRule(
      value =
          "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
      message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
  public static class AutoscalingSpec {
    @JsonPropertyDescription("Default: on for the default profile, off for demo.")
    public Boolean enabled;

    @Min(1)
    public Integer minReplicas;

    @Min(1)
    public Integer maxReplicas;

    @JsonPropertyDescription("Target average CPU utilization in percent. Default 80.")
    @Min(1)
    public Integer targetCPUUtilizationPercentage;
  }

  /** Whether a PodDisruptionBudget protects istiod when it has more than one replica. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PodDisruptionBudgetSpec {
    @JsonPropertyDescription("Default true.")
    public Boolean enabled;
  }
}
