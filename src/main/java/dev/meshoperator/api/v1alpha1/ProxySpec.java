package dev.meshoperator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** Sidecar defaults for the workloads injected by this revision. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProxySpec {

  /** Characters of a CIDR list; whether each entry is a CIDR is checked by {@link #CIDR_RULE}. */
  private static final String CIDRS =
      "^(\\*|([0-9a-fA-F.:]+/[0-9]{1,3})(,[0-9a-fA-F.:]+/[0-9]{1,3})*)?$";

  /** Per entry; its cost grows with the square of the maxLength, 2048 stays within budget. */
  private static final String CIDR_RULE =
      "self == '' || self == '*' || self.split(',').all(c, isCIDR(c))";

  /** One port, 1-65535. */
  private static final String PORT =
      "([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";

  private static final String PORTS = "^(\\*|" + PORT + "(," + PORT + ")*)?$";

  /** Envoy's component log levels, e.g. misc:error,upstream:debug. */
  private static final String LEVEL = "(trace|debug|info|warning|warn|error|critical|off)";

  private static final String COMPONENT_LEVELS =
      "^([a-z0-9_]+:" + LEVEL + "(,[a-z0-9_]+:" + LEVEL + ")*)?$";

  @JsonPropertyDescription("Full image reference overriding <hub>/proxyv2:<tag>.")
  @Size(max = 512)
  @Pattern(SchemaTypes.IMAGE)
  public String image;

  @JsonPropertyDescription(
      "Resources of istio-proxy. Default requests 100m/128Mi, limits 2/1Gi (demo: 10m/40Mi).")
  @SchemaFrom(type = SchemaTypes.Resources.class)
  public ResourceRequirements resources;

  @JsonPropertyDescription("Envoy log level.")
  public LogLevel logLevel;

  @JsonPropertyDescription("Envoy component log levels, e.g. misc:error,upstream:debug.")
  @Size(max = 1024)
  @Pattern(COMPONENT_LEVELS)
  public String componentLogLevel;

  @JsonPropertyDescription("Start application containers only after the proxy is ready.")
  public Boolean holdApplicationUntilProxyStarts;

  @JsonPropertyDescription(
      "Run istio-proxy as a Kubernetes native sidecar (an init container with restartPolicy"
          + " Always). auto: on when every node's kubelet is 1.33 or newer.")
  public NativeSidecars nativeSidecars;

  @JsonPropertyDescription(
      "Outbound IP ranges redirected to the proxy, comma-separated CIDRs or *.")
  @Size(max = 2048)
  @Pattern(CIDRS)
  @ValidationRule(
      value = CIDR_RULE,
      message = "proxy.includeIPRanges must be * or comma-separated CIDRs such as 10.0.0.0/8")
  public String includeIPRanges;

  @JsonPropertyDescription("Outbound IP ranges that bypass the proxy, comma-separated CIDRs.")
  @Size(max = 2048)
  @Pattern(CIDRS)
  @ValidationRule(
      value = CIDR_RULE,
      message = "proxy.excludeIPRanges must be * or comma-separated CIDRs such as 10.0.0.0/8")
  public String excludeIPRanges;

  @JsonPropertyDescription("Inbound ports redirected to the proxy, comma-separated (1-65535) or *.")
  @Size(max = 4096)
  @Pattern(PORTS)
  public String includeInboundPorts;

  @JsonPropertyDescription("Inbound ports that bypass the proxy, comma-separated (1-65535).")
  @Size(max = 4096)
  @Pattern(PORTS)
  public String excludeInboundPorts;

  @JsonPropertyDescription("Outbound ports that bypass the proxy, comma-separated (1-65535).")
  @Size(max = 4096)
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
