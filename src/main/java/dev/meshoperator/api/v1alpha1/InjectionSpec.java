package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Sidecar injection settings of a revision. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InjectionSpec {

  @JsonPropertyDescription(
      "enabled: inject in selected namespaces unless the pod opts out; disabled: inject only"
          + " pods that opt in with sidecar.istio.io/inject=true.")
  @Default("enabled")
  public Policy policy;

  @JsonPropertyDescription(
      "Pods matching any of these are never injected (checked first). At most 32.")
  @Size(max = 32)
  @SchemaFrom(type = SchemaTypes.SelectorList.class)
  public List<LabelSelector> neverInjectSelector;

  @JsonPropertyDescription(
      "Pods matching any of these are injected even if the policy is disabled. At most 32.")
  @Size(max = 32)
  @SchemaFrom(type = SchemaTypes.SelectorList.class)
  public List<LabelSelector> alwaysInjectSelector;

  @JsonPropertyDescription("Rewrite HTTP/TCP/gRPC probes to go through the agent on port 15020.")
  @Default("true")
  public Boolean rewriteAppHTTPProbers;

  @JsonPropertyDescription("What the apiserver does when the webhook cannot be reached.")
  @Default("Fail")
  public FailurePolicy failurePolicy;

  @JsonPropertyDescription("Webhook call timeout in seconds, 1-30.")
  @Default("10")
  @Min(1)
  @Max(30)
  public Integer timeoutSeconds;

  /** Injection policy. */
  public enum Policy {
    @JsonProperty("enabled")
    ENABLED,
    @JsonProperty("disabled")
    DISABLED
  }

  /** Admission webhook failure policy. */
  public enum FailurePolicy {
    Fail,
    Ignore
  }
}
