package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the injector needs to know about the mesh and its install: the equivalent of Istio's
 * injection values, mesh config and feature flags. Immutable; build variants with {@link
 * #toBuilder()}.
 *
 * <p>Field names follow Istio's Helm values ({@code global.proxy.*}) where there is one, so the
 * settings of an Istio install translate one to one.
 *
 * @param hub registry and repository prefix of the images, e.g. {@code docker.io/istio}
 * @param tag image tag
 * @param variant image variant appended to the tag ({@code distroless}, {@code debug}), or empty
 * @param proxyImageName proxy image name, or a full image reference when it contains a slash
 * @param proxyInitImageName init image name, or a full image reference when it contains a slash
 * @param imagePullPolicy pull policy of the injected containers, or {@code null} for none
 * @param imagePullSecrets secrets added to every injected pod
 * @param revision the control plane revision this injector serves ({@code default} when unnamed)
 * @param istioNamespace namespace of the control plane
 * @param caAddress address of the CA (istiod) the proxy talks to
 * @param pilotCertProvider {@code istiod} mounts the istiod root cert; anything else does not
 * @param clusterId cluster name reported by proxies
 * @param network network of the cluster, or empty
 * @param trustDomain mesh trust domain
 * @param meshId mesh ID, or {@code null} to use the trust domain
 * @param clusterDomain DNS suffix of the cluster
 * @param sdsTokenAudience audience of the projected service account token
 * @param trustBundleName config map holding the root certificate, or {@code null} for default
 * @param crlConfigMapName config map holding the CRL, or {@code null} for default
 * @param clusterTrustBundles mount the root certificate from a ClusterTrustBundle
 * @param gkeWorkloadCertificates use GKE workload certificates ({@code caName:
 *     GkeWorkloadCertificate})
 * @param logLevel Envoy log level
 * @param componentLogLevel Envoy component log levels
 * @param agentLogLevel pilot-agent (and istio-iptables) log levels
 * @param logAsJson structured logs
 * @param privileged run the proxy privileged
 * @param statusPort pilot-agent status port; 0 disables readiness probing
 * @param readinessInitialDelaySeconds proxy readiness probe initial delay
 * @param readinessPeriodSeconds proxy readiness probe period
 * @param readinessFailureThreshold proxy readiness probe failure threshold
 * @param startupProbeEnabled add a startup probe to the proxy
 * @param startupProbeFailureThreshold failure threshold of that startup probe
 * @param includeIPRanges outbound IP ranges to capture ({@code *} = all)
 * @param excludeIPRanges outbound IP ranges not to capture
 * @param includeInboundPorts inbound ports to capture ({@code *} = all)
 * @param excludeInboundPorts inbound ports not to capture
 * @param includeOutboundPorts outbound ports to capture regardless of IP ranges
 * @param excludeOutboundPorts outbound ports not to capture
 * @param holdApplicationUntilProxyStarts start applications only after the proxy is ready
 * @param proxyResources resources of the injected containers, or {@code null} for none
 * @param capNetBindService give the proxy NET_BIND_SERVICE
 * @param proxyLifecycle lifecycle hooks replacing the proxy's default hooks, or {@code null}
 * @param seccompProfile seccomp profile of the injected containers, or {@code null}
 * @param outlierLogPath Envoy outlier log path, or empty
 * @param stsPort port of the STS server, 0 for none
 * @param tracer tracer ({@code none}, {@code datadog}, {@code lightstep}, ...)
 * @param forceApplyIptables add {@code --force-apply} to istio-iptables
 * @param nativeNftables use nftables instead of iptables
 * @param cniEnabled the Istio CNI plugin sets up redirection; inject istio-validation instead
 * @param cniProvider {@code default} or {@code multus}
 * @param nativeSidecars inject the proxy as a Kubernetes native sidecar (an init container with
 *     {@code restartPolicy: Always}); pods may override with {@code sidecar.istio.io/nativeSidecar}
 * @param rewriteAppHttpProbe rewrite application probes to go through pilot-agent
 * @param meshDefaultConfig mesh config {@code defaultConfig} (a ProxyConfig in its JSON form);
 *     fields left out take Istio's defaults
 * @param enablePrometheusMerge merge application metrics into the agent's metrics endpoint
 * @param proxyListenPort outbound capture port
 * @param proxyInboundListenPort inbound capture port
 * @param inboundTrafficPolicyLocalhost mesh inbound traffic policy is LOCALHOST
 * @param otelSemanticConventions an OpenTelemetry extension provider asks for OTel semantic
 *     convention service attributes
 * @param compliancePolicy compliance policy (e.g. {@code fips-140-3}), or empty
 * @param mountMtlsCerts mount the legacy {@code istio.<sa>} secret into the proxy
 * @param openShift running on OpenShift (proxy user IDs come from the namespace)
 * @param proxyUid user ID of the proxy
 * @param proxyGid group ID of the proxy
 * @param gatewaySecurityContext pod security context of gateway pods, or {@code null}
 * @param defaultTemplates templates applied when a pod does not name any
 * @param templates additional (custom) templates by name; they shadow built-in ones
 * @param aliases template aliases: one name standing for several templates
 * @param injectedAnnotations annotations added to every injected pod
 * @param istioVersion the Istio release whose injector behaviour to reproduce (see {@link
 *     InjectorRelease}); empty for the engine's reference, Istio master of 2026-08-22
 */
public record InjectionSettings(
    String hub,
    String tag,
    String variant,
    String proxyImageName,
    String proxyInitImageName,
    String imagePullPolicy,
    List<String> imagePullSecrets,
    String revision,
    String istioNamespace,
    String caAddress,
    String pilotCertProvider,
    String clusterId,
    String network,
    String trustDomain,
    String meshId,
    String clusterDomain,
    String sdsTokenAudience,
    String trustBundleName,
    String crlConfigMapName,
    boolean clusterTrustBundles,
    boolean gkeWorkloadCertificates,
    String logLevel,
    String componentLogLevel,
    String agentLogLevel,
    boolean logAsJson,
    boolean privileged,
    int statusPort,
    int readinessInitialDelaySeconds,
    int readinessPeriodSeconds,
    int readinessFailureThreshold,
    boolean startupProbeEnabled,
    int startupProbeFailureThreshold,
    String includeIPRanges,
    String excludeIPRanges,
    String includeInboundPorts,
    String excludeInboundPorts,
    String includeOutboundPorts,
    String excludeOutboundPorts,
    boolean holdApplicationUntilProxyStarts,
    ResourceRequirements proxyResources,
    boolean capNetBindService,
    Lifecycle proxyLifecycle,
    SeccompProfile seccompProfile,
    String outlierLogPath,
    int stsPort,
    String tracer,
    boolean forceApplyIptables,
    boolean nativeNftables,
    boolean cniEnabled,
    String cniProvider,
    boolean nativeSidecars,
    boolean rewriteAppHttpProbe,
    ObjectNode meshDefaultConfig,
    boolean enablePrometheusMerge,
    int proxyListenPort,
    int proxyInboundListenPort,
    boolean inboundTrafficPolicyLocalhost,
    boolean otelSemanticConventions,
    String compliancePolicy,
    boolean mountMtlsCerts,
    boolean openShift,
    long proxyUid,
    long proxyGid,
    PodSecurityContext gatewaySecurityContext,
    List<String> defaultTemplates,
    Map<String, InjectionTemplate> templates,
    Map<String, List<String>> aliases,
    Map<String, String> injectedAnnotations,
    String istioVersion) {

  public InjectionSettings {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(tag, "tag");
    variant = nz(variant);
    proxyImageName = nz(proxyImageName);
    proxyInitImageName = nz(proxyInitImageName);
    imagePullPolicy = imagePullPolicy == null || imagePullPolicy.isEmpty() ? null : imagePullPolicy;
    imagePullSecrets = List.copyOf(imagePullSecrets == null ? List.of() : imagePullSecrets);
    revision = revision == null || revision.isEmpty() ? "default" : revision;
    istioNamespace =
        istioNamespace == null || istioNamespace.isEmpty() ? "istio-system" : istioNamespace;
    caAddress = nz(caAddress);
    pilotCertProvider = nz(pilotCertProvider);
    clusterId = nz(clusterId);
    network = nz(network);
    trustDomain = nz(trustDomain);
    meshId = meshId == null || meshId.isEmpty() ? null : meshId;
    clusterDomain = nz(clusterDomain);
    sdsTokenAudience = nz(sdsTokenAudience);
    logLevel = nz(logLevel);
    componentLogLevel = nz(componentLogLevel);
    agentLogLevel = nz(agentLogLevel);
    includeIPRanges = nz(includeIPRanges);
    excludeIPRanges = nz(excludeIPRanges);
    includeInboundPorts = nz(includeInboundPorts);
    excludeInboundPorts = nz(excludeInboundPorts);
    includeOutboundPorts = nz(includeOutboundPorts);
    excludeOutboundPorts = nz(excludeOutboundPorts);
    outlierLogPath = nz(outlierLogPath);
    tracer = nz(tracer);
    cniProvider = cniProvider == null || cniProvider.isEmpty() ? "default" : cniProvider;
    meshDefaultConfig =
        meshDefaultConfig == null ? Json.MAPPER.createObjectNode() : meshDefaultConfig.deepCopy();
    compliancePolicy = nz(compliancePolicy);
    defaultTemplates =
        List.copyOf(
            defaultTemplates == null || defaultTemplates.isEmpty()
                ? List.of("sidecar")
                : defaultTemplates);
    templates = Map.copyOf(templates == null ? Map.of() : templates);
    aliases = Map.copyOf(aliases == null ? Map.of() : aliases);
    injectedAnnotations = Map.copyOf(injectedAnnotations == null ? Map.of() : injectedAnnotations);
    istioVersion = nz(istioVersion);
    InjectorRelease.of(istioVersion); // fails early on a version no release behaviour exists for
  }

  /** The per-release differences of the injector this settings' version selects. */
  public InjectorRelease release() {
    return InjectorRelease.of(istioVersion);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /**
   * The settings behind Istio's injection test goldens: a default install of the current chart with
   * hub {@code registry.istio.io/testing}, tag {@code latest} and native sidecars on.
   */
  public static InjectionSettings defaults() {
    return new Builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The mesh default ProxyConfig; a copy, since Jackson trees are mutable. */
  @Override
  public ObjectNode meshDefaultConfig() {
    return meshDefaultConfig.deepCopy();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builder of {@link InjectionSettings}, starting from {@link #defaults()}. */
  public static final class Builder {
    private String hub = "registry.istio.io/testing";
    private String tag = "latest";
    private String variant = "";
    private String proxyImageName = "proxyv2";
    private String proxyInitImageName = "proxyv2";
    private String imagePullPolicy;
    private List<String> imagePullSecrets = List.of();
    private String revision = "default";
    private String istioNamespace = "istio-system";
    private String caAddress = "istiod.istio-system.svc:15012";
    private String pilotCertProvider = "istiod";
    private String clusterId = "Kubernetes";
    private String network = "";
    private String trustDomain = "cluster.local";
    private String meshId;
    private String clusterDomain = "cluster.local";
    private String sdsTokenAudience = "istio-ca";
    private String trustBundleName;
    private String crlConfigMapName;
    private boolean clusterTrustBundles;
    private boolean gkeWorkloadCertificates;
    private String logLevel = "warning";
    private String componentLogLevel = "misc:error";
    private String agentLogLevel = "default:info";
    private boolean logAsJson;
    private boolean privileged;
    private int statusPort = 15020;
    private int readinessInitialDelaySeconds = 0;
    private int readinessPeriodSeconds = 15;
    private int readinessFailureThreshold = 4;
    private boolean startupProbeEnabled = true;
    private int startupProbeFailureThreshold = 600;
    private String includeIPRanges = "*";
    private String excludeIPRanges = "";
    private String includeInboundPorts = "*";
    private String excludeInboundPorts = "";
    private String includeOutboundPorts = "";
    private String excludeOutboundPorts = "";
    private boolean holdApplicationUntilProxyStarts;
    private ResourceRequirements proxyResources = defaultResources();
    private boolean capNetBindService;
    private Lifecycle proxyLifecycle;
    private SeccompProfile seccompProfile;
    private String outlierLogPath = "";
    private int stsPort;
    private String tracer = "none";
    private boolean forceApplyIptables;
    private boolean nativeNftables;
    private boolean cniEnabled;
    private String cniProvider = "default";
    private boolean nativeSidecars = true;
    private boolean rewriteAppHttpProbe = true;
    private ObjectNode meshDefaultConfig;
    private boolean enablePrometheusMerge = true;
    private int proxyListenPort = 15001;
    private int proxyInboundListenPort = 15006;
    private boolean inboundTrafficPolicyLocalhost;
    private boolean otelSemanticConventions;
    private String compliancePolicy = "";
    private boolean mountMtlsCerts;
    private boolean openShift;
    private long proxyUid = 1337;
    private long proxyGid = 1337;
    private PodSecurityContext gatewaySecurityContext;
    private List<String> defaultTemplates = List.of("sidecar");
    private Map<String, InjectionTemplate> templates = new LinkedHashMap<>();
    private Map<String, List<String>> aliases = new LinkedHashMap<>();
    private Map<String, String> injectedAnnotations = new LinkedHashMap<>();
    private String istioVersion = "";

    private Builder() {}

    private Builder(InjectionSettings s) {
      hub = s.hub;
      tag = s.tag;
      variant = s.variant;
      proxyImageName = s.proxyImageName;
      proxyInitImageName = s.proxyInitImageName;
      imagePullPolicy = s.imagePullPolicy;
      imagePullSecrets = s.imagePullSecrets;
      revision = s.revision;
      istioNamespace = s.istioNamespace;
      caAddress = s.caAddress;
      pilotCertProvider = s.pilotCertProvider;
      clusterId = s.clusterId;
      network = s.network;
      trustDomain = s.trustDomain;
      meshId = s.meshId;
      clusterDomain = s.clusterDomain;
      sdsTokenAudience = s.sdsTokenAudience;
      trustBundleName = s.trustBundleName;
      crlConfigMapName = s.crlConfigMapName;
      clusterTrustBundles = s.clusterTrustBundles;
      gkeWorkloadCertificates = s.gkeWorkloadCertificates;
      logLevel = s.logLevel;
      componentLogLevel = s.componentLogLevel;
      agentLogLevel = s.agentLogLevel;
      logAsJson = s.logAsJson;
      privileged = s.privileged;
      statusPort = s.statusPort;
      readinessInitialDelaySeconds = s.readinessInitialDelaySeconds;
      readinessPeriodSeconds = s.readinessPeriodSeconds;
      readinessFailureThreshold = s.readinessFailureThreshold;
      startupProbeEnabled = s.startupProbeEnabled;
      startupProbeFailureThreshold = s.startupProbeFailureThreshold;
      includeIPRanges = s.includeIPRanges;
      excludeIPRanges = s.excludeIPRanges;
      includeInboundPorts = s.includeInboundPorts;
      excludeInboundPorts = s.excludeInboundPorts;
      includeOutboundPorts = s.includeOutboundPorts;
      excludeOutboundPorts = s.excludeOutboundPorts;
      holdApplicationUntilProxyStarts = s.holdApplicationUntilProxyStarts;
      proxyResources = s.proxyResources;
      capNetBindService = s.capNetBindService;
      proxyLifecycle = s.proxyLifecycle;
      seccompProfile = s.seccompProfile;
      outlierLogPath = s.outlierLogPath;
      stsPort = s.stsPort;
      tracer = s.tracer;
      forceApplyIptables = s.forceApplyIptables;
      nativeNftables = s.nativeNftables;
      cniEnabled = s.cniEnabled;
      cniProvider = s.cniProvider;
      nativeSidecars = s.nativeSidecars;
      rewriteAppHttpProbe = s.rewriteAppHttpProbe;
      meshDefaultConfig = s.meshDefaultConfig;
      enablePrometheusMerge = s.enablePrometheusMerge;
      proxyListenPort = s.proxyListenPort;
      proxyInboundListenPort = s.proxyInboundListenPort;
      inboundTrafficPolicyLocalhost = s.inboundTrafficPolicyLocalhost;
      otelSemanticConventions = s.otelSemanticConventions;
      compliancePolicy = s.compliancePolicy;
      mountMtlsCerts = s.mountMtlsCerts;
      openShift = s.openShift;
      proxyUid = s.proxyUid;
      proxyGid = s.proxyGid;
      gatewaySecurityContext = s.gatewaySecurityContext;
      defaultTemplates = s.defaultTemplates;
      templates = new LinkedHashMap<>(s.templates);
      aliases = new LinkedHashMap<>(s.aliases);
      injectedAnnotations = new LinkedHashMap<>(s.injectedAnnotations);
      istioVersion = s.istioVersion;
    }

    private static ResourceRequirements defaultResources() {
      return new ResourceRequirementsBuilder()
          .addToRequests("cpu", new Quantity("100m"))
          .addToRequests("memory", new Quantity("128Mi"))
          .addToLimits("cpu", new Quantity("2"))
          .addToLimits("memory", new Quantity("1Gi"))
          .build();
    }

    public Builder hub(String v) {
      hub = v;
      return this;
    }

    public Builder tag(String v) {
      tag = v;
      return this;
    }

    public Builder variant(String v) {
      variant = v;
      return this;
    }

    public Builder proxyImageName(String v) {
      proxyImageName = v;
      return this;
    }

    public Builder proxyInitImageName(String v) {
      proxyInitImageName = v;
      return this;
    }

    public Builder imagePullPolicy(String v) {
      imagePullPolicy = v;
      return this;
    }

    public Builder imagePullSecrets(List<String> v) {
      imagePullSecrets = v;
      return this;
    }

    public Builder revision(String v) {
      revision = v;
      return this;
    }

    public Builder istioNamespace(String v) {
      istioNamespace = v;
      return this;
    }

    public Builder caAddress(String v) {
      caAddress = v;
      return this;
    }

    public Builder pilotCertProvider(String v) {
      pilotCertProvider = v;
      return this;
    }

    public Builder clusterId(String v) {
      clusterId = v;
      return this;
    }

    public Builder network(String v) {
      network = v;
      return this;
    }

    public Builder trustDomain(String v) {
      trustDomain = v;
      return this;
    }

    public Builder meshId(String v) {
      meshId = v;
      return this;
    }

    public Builder clusterDomain(String v) {
      clusterDomain = v;
      return this;
    }

    public Builder sdsTokenAudience(String v) {
      sdsTokenAudience = v;
      return this;
    }

    public Builder trustBundleName(String v) {
      trustBundleName = v;
      return this;
    }

    public Builder crlConfigMapName(String v) {
      crlConfigMapName = v;
      return this;
    }

    public Builder clusterTrustBundles(boolean v) {
      clusterTrustBundles = v;
      return this;
    }

    public Builder gkeWorkloadCertificates(boolean v) {
      gkeWorkloadCertificates = v;
      return this;
    }

    public Builder logLevel(String v) {
      logLevel = v;
      return this;
    }

    public Builder componentLogLevel(String v) {
      componentLogLevel = v;
      return this;
    }

    public Builder agentLogLevel(String v) {
      agentLogLevel = v;
      return this;
    }

    public Builder logAsJson(boolean v) {
      logAsJson = v;
      return this;
    }

    public Builder privileged(boolean v) {
      privileged = v;
      return this;
    }

    public Builder statusPort(int v) {
      statusPort = v;
      return this;
    }

    public Builder readinessInitialDelaySeconds(int v) {
      readinessInitialDelaySeconds = v;
      return this;
    }

    public Builder readinessPeriodSeconds(int v) {
      readinessPeriodSeconds = v;
      return this;
    }

    public Builder readinessFailureThreshold(int v) {
      readinessFailureThreshold = v;
      return this;
    }

    public Builder startupProbeEnabled(boolean v) {
      startupProbeEnabled = v;
      return this;
    }

    public Builder startupProbeFailureThreshold(int v) {
      startupProbeFailureThreshold = v;
      return this;
    }

    public Builder includeIPRanges(String v) {
      includeIPRanges = v;
      return this;
    }

    public Builder excludeIPRanges(String v) {
      excludeIPRanges = v;
      return this;
    }

    public Builder includeInboundPorts(String v) {
      includeInboundPorts = v;
      return this;
    }

    public Builder excludeInboundPorts(String v) {
      excludeInboundPorts = v;
      return this;
    }

    public Builder includeOutboundPorts(String v) {
      includeOutboundPorts = v;
      return this;
    }

    public Builder excludeOutboundPorts(String v) {
      excludeOutboundPorts = v;
      return this;
    }

    public Builder holdApplicationUntilProxyStarts(boolean v) {
      holdApplicationUntilProxyStarts = v;
      return this;
    }

    public Builder proxyResources(ResourceRequirements v) {
      proxyResources = v;
      return this;
    }

    public Builder capNetBindService(boolean v) {
      capNetBindService = v;
      return this;
    }

    public Builder proxyLifecycle(Lifecycle v) {
      proxyLifecycle = v;
      return this;
    }

    public Builder seccompProfile(SeccompProfile v) {
      seccompProfile = v;
      return this;
    }

    public Builder outlierLogPath(String v) {
      outlierLogPath = v;
      return this;
    }

    public Builder stsPort(int v) {
      stsPort = v;
      return this;
    }

    public Builder tracer(String v) {
      tracer = v;
      return this;
    }

    public Builder forceApplyIptables(boolean v) {
      forceApplyIptables = v;
      return this;
    }

    public Builder nativeNftables(boolean v) {
      nativeNftables = v;
      return this;
    }

    public Builder cniEnabled(boolean v) {
      cniEnabled = v;
      return this;
    }

    public Builder cniProvider(String v) {
      cniProvider = v;
      return this;
    }

    public Builder nativeSidecars(boolean v) {
      nativeSidecars = v;
      return this;
    }

    public Builder rewriteAppHttpProbe(boolean v) {
      rewriteAppHttpProbe = v;
      return this;
    }

    /** The mesh config's {@code defaultConfig}, as JSON or YAML field names of ProxyConfig. */
    public Builder meshDefaultConfig(ObjectNode v) {
      meshDefaultConfig = v;
      return this;
    }

    public Builder enablePrometheusMerge(boolean v) {
      enablePrometheusMerge = v;
      return this;
    }

    public Builder proxyListenPort(int v) {
      proxyListenPort = v;
      return this;
    }

    public Builder proxyInboundListenPort(int v) {
      proxyInboundListenPort = v;
      return this;
    }

    public Builder inboundTrafficPolicyLocalhost(boolean v) {
      inboundTrafficPolicyLocalhost = v;
      return this;
    }

    public Builder otelSemanticConventions(boolean v) {
      otelSemanticConventions = v;
      return this;
    }

    public Builder compliancePolicy(String v) {
      compliancePolicy = v;
      return this;
    }

    public Builder mountMtlsCerts(boolean v) {
      mountMtlsCerts = v;
      return this;
    }

    public Builder openShift(boolean v) {
      openShift = v;
      return this;
    }

    public Builder proxyUid(long v) {
      proxyUid = v;
      return this;
    }

    public Builder proxyGid(long v) {
      proxyGid = v;
      return this;
    }

    public Builder gatewaySecurityContext(PodSecurityContext v) {
      gatewaySecurityContext = v;
      return this;
    }

    public Builder defaultTemplates(List<String> v) {
      defaultTemplates = v;
      return this;
    }

    /** Adds or replaces a template; a custom template shadows a built-in one of the same name. */
    public Builder template(String name, InjectionTemplate template) {
      templates.put(name, template);
      return this;
    }

    public Builder alias(String name, List<String> templateNames) {
      aliases.put(name, List.copyOf(templateNames));
      return this;
    }

    public Builder injectedAnnotations(Map<String, String> v) {
      injectedAnnotations = new LinkedHashMap<>(v);
      return this;
    }

    /** The Istio release to reproduce, e.g. {@code 1.28.10}; empty for the engine's reference. */
    public Builder istioVersion(String v) {
      istioVersion = v;
      return this;
    }

    public InjectionSettings build() {
      return new InjectionSettings(
          hub,
          tag,
          variant,
          proxyImageName,
          proxyInitImageName,
          imagePullPolicy,
          imagePullSecrets,
          revision,
          istioNamespace,
          caAddress,
          pilotCertProvider,
          clusterId,
          network,
          trustDomain,
          meshId,
          clusterDomain,
          sdsTokenAudience,
          trustBundleName,
          crlConfigMapName,
          clusterTrustBundles,
          gkeWorkloadCertificates,
          logLevel,
          componentLogLevel,
          agentLogLevel,
          logAsJson,
          privileged,
          statusPort,
          readinessInitialDelaySeconds,
          readinessPeriodSeconds,
          readinessFailureThreshold,
          startupProbeEnabled,
          startupProbeFailureThreshold,
          includeIPRanges,
          excludeIPRanges,
          includeInboundPorts,
          excludeInboundPorts,
          includeOutboundPorts,
          excludeOutboundPorts,
          holdApplicationUntilProxyStarts,
          proxyResources,
          capNetBindService,
          proxyLifecycle,
          seccompProfile,
          outlierLogPath,
          stsPort,
          tracer,
          forceApplyIptables,
          nativeNftables,
          cniEnabled,
          cniProvider,
          nativeSidecars,
          rewriteAppHttpProbe,
          meshDefaultConfig,
          enablePrometheusMerge,
          proxyListenPort,
          proxyInboundListenPort,
          inboundTrafficPolicyLocalhost,
          otelSemanticConventions,
          compliancePolicy,
          mountMtlsCerts,
          openShift,
          proxyUid,
          proxyGid,
          gatewaySecurityContext,
          defaultTemplates,
          templates,
          aliases,
          injectedAnnotations,
          istioVersion);
    }
  }
}
