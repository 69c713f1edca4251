package dev.meshoperator.injection;

/** Names of the Istio labels and annotations the injector reads or writes. */
public final class IstioAnnotations {

  private IstioAnnotations() {}

  public static final String SIDECAR_INJECT = "sidecar.istio.io/inject";
  public static final String SIDECAR_STATUS = "sidecar.istio.io/status";
  public static final String PROXY_OVERRIDES = "proxy.istio.io/overrides";
  public static final String PROXY_CONFIG = "proxy.istio.io/config";
  public static final String INJECT_TEMPLATES = "inject.istio.io/templates";
  public static final String NATIVE_SIDECAR = "sidecar.istio.io/nativeSidecar";
  public static final String PROXY_IMAGE = "sidecar.istio.io/proxyImage";
  public static final String PROXY_IMAGE_TYPE = "sidecar.istio.io/proxyImageType";
  public static final String PROXY_CPU = "sidecar.istio.io/proxyCPU";
  public static final String PROXY_MEMORY = "sidecar.istio.io/proxyMemory";
  public static final String PROXY_CPU_LIMIT = "sidecar.istio.io/proxyCPULimit";
  public static final String PROXY_MEMORY_LIMIT = "sidecar.istio.io/proxyMemoryLimit";
  public static final String LOG_LEVEL = "sidecar.istio.io/logLevel";
  public static final String COMPONENT_LOG_LEVEL = "sidecar.istio.io/componentLogLevel";
  public static final String AGENT_LOG_LEVEL = "sidecar.istio.io/agentLogLevel";
  public static final String INTERCEPTION_MODE = "sidecar.istio.io/interceptionMode";
  public static final String CAP_NET_BIND_SERVICE = "sidecar.istio.io/capNetBindService";
  public static final String BOOTSTRAP_OVERRIDE = "sidecar.istio.io/bootstrapOverride";
  public static final String USER_VOLUME = "sidecar.istio.io/userVolume";
  public static final String USER_VOLUME_MOUNT = "sidecar.istio.io/userVolumeMount";
  public static final String REWRITE_APP_HTTP_PROBERS = "sidecar.istio.io/rewriteAppHTTPProbers";
  public static final String STATUS_PORT = "status.sidecar.istio.io/port";
  public static final String READINESS_INITIAL_DELAY =
      "readiness.status.sidecar.istio.io/initialDelaySeconds";
  public static final String READINESS_PERIOD = "readiness.status.sidecar.istio.io/periodSeconds";
  public static final String READINESS_FAILURE_THRESHOLD =
      "readiness.status.sidecar.istio.io/failureThreshold";
  public static final String INCLUDE_OUTBOUND_IP_RANGES =
      "traffic.sidecar.istio.io/includeOutboundIPRanges";
  public static final String EXCLUDE_OUTBOUND_IP_RANGES =
      "traffic.sidecar.istio.io/excludeOutboundIPRanges";
  public static final String INCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/includeInboundPorts";
  public static final String EXCLUDE_INBOUND_PORTS = "traffic.sidecar.istio.io/excludeInboundPorts";
  public static final String INCLUDE_OUTBOUND_PORTS =
      "traffic.sidecar.istio.io/includeOutboundPorts";
  public static final String EXCLUDE_OUTBOUND_PORTS =
      "traffic.sidecar.istio.io/excludeOutboundPorts";
  public static final String EXCLUDE_INTERFACES = "traffic.sidecar.istio.io/excludeInterfaces";
  public static final String KUBEVIRT_INTERFACES = "traffic.sidecar.istio.io/kubevirtInterfaces";
  public static final String REROUTE_VIRTUAL_INTERFACES = "istio.io/reroute-virtual-interfaces";
  public static final String PROMETHEUS_MERGE_METRICS = "prometheus.istio.io/merge-metrics";
  public static final String MULTUS_NETWORKS = "k8s.v1.cni.cncf.io/networks";
  public static final String DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";
  public static final String DEFAULT_LOGS_CONTAINER =
      "kubectl.kubernetes.io/default-logs-container";

  public static final String REV = "istio.io/rev";
  public static final String ISTIO_INJECTION_LABEL = "istio-injection";
  public static final String TLS_MODE_LABEL = "security.istio.io/tlsMode";
  public static final String TUNNEL_LABEL = "networking.istio.io/tunnel";
  public static final String CANONICAL_NAME_LABEL = "service.istio.io/canonical-name";
  public static final String CANONICAL_REVISION_LABEL = "service.istio.io/canonical-revision";
  public static final String WORKLOAD_NAME_LABEL = "service.istio.io/workload-name";
  public static final String NETWORK_LABEL = "topology.istio.io/network";
}
