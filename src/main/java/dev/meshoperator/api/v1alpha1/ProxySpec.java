package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** Sidecar defaults for the workloads injected by this revision. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProxySpec {

  private static final String CIDRS =
      "^(\\*|([0-9a-fA-F.:]+/[0-9]{1,3})(,[0-9a-fA-F.:]+/[0-9]{1,3})*)?$";
  private static final String PORTS = "^(\\*|[0-9]{1,5}(,[0-9]{1,5})*)?$";

  @JsonPropertyDescription("Full image reference overriding <hub>/proxyv2:<tag>.")
  public String image;

  @JsonPropertyDescription(
      "Resources of istio-proxy. Default requests 100m/128Mi, limits 2/1Gi (demo: 10m/40Mi).")
  public ResourceRequirements resources;

  @JsonPropertyDescription("Envoy log level.")
  public LogLevel logLevel;

  @JsonPropertyDescription("Envoy component log levels, e.g. misc:error.")
  public String componentLogLevel;

  @JsonPropertyDescription("Start application containers only after the proxy is ready.")
  public Boolean holdApplicationUntilProxyStarts;

  @JsonPropertyDescription(
      "Run istio-proxy as a Kubernetes native sidecar (an init container with restartPolicy"
          + " Always). auto: on when every node's kubelet is 1.33 or newer.")
  public NativeSidecars nativeSidecars;

  @JsonPropertyDescription(
      "Outbound IP ranges redirected to the proxy, comma-separated CIDRs or *.")
  @Pattern(CIDRS)
  public String includeIPRanges;

  @JsonPropertyDescription("Outbound IP ranges that bypass the proxy, comma-separated CIDRs.")
  @Pattern(CIDRS)
  public String excludeIPRanges;

  @JsonPropertyDescription("Inbound ports redirected to the proxy, comma-separated or *.")
  @Pattern(PORTS)
  public String includeInboundPorts;

  @JsonPropertyDescription("Inbound ports that bypass the proxy, comma-separated.")
  @Pattern(PORTS)
  public String excludeInboundPorts;

  @JsonPropertyDescription("Outbound ports that bypass the proxy, comma-separated.")
  @Pattern(PORTS)
  public String excludeOutboundPorts;

  @JsonPropertyDescription("Pull policy of the injected containers.")
  public ImagePullPolicy imagePullPolicy;

  /** Envoy log levels. */
  public enum LogLevel {
    @JsonProperty("trace")
    TRACE,
    @JsonProperty("debug")
    DEBUG,
    @JsonProperty("info")
    INFO,
    @JsonProperty("warning")
    WARNING,
    @JsonProperty("error")
    ERROR,
    @JsonProperty("critical")
    CRITICAL,
    @JsonProperty("off")
    OFF
  }

  /** Native sidecar mode. */
  public enum NativeSidecars {
    @JsonProperty("auto")
    AUTO,
    @JsonProperty("on")
    ON,
    @JsonProperty("off")
    OFF
  }

  /** Kubernetes image pull policies. */
  public enum ImagePullPolicy {
    Always,
    IfNotPresent,
    Never
  }
}
