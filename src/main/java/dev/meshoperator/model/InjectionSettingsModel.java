package dev.meshoperator.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshoperator.api.v1alpha1.InjectionSpec;
import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.ProxySpec;
import dev.meshoperator.injection.InjectionPolicy;
import dev.meshoperator.injection.InjectionSettings;
import dev.meshoperator.injection.InjectorRelease;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the sidecar injector uses for one control plane: its images, istiod address, mesh config and
 * proxy defaults. Pure: the same control plane and cluster facts give the same settings.
 */
public final class InjectionSettingsModel {

  private static final ObjectMapper JSON = new ObjectMapper();

  private InjectionSettingsModel() {}

  /**
   * Whether a MeshConfig's {@code inboundTrafficPolicy.mode} is {@code LOCALHOST}: Istio's template
   * then gives the proxy {@code REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION=true} (its {@code
   * .InboundTrafficPolicyMode} is the enum's name in lower case).
   */
  public static boolean inboundTrafficPolicyLocalhost(Map<String, Object> mesh) {
    return mesh.get("inboundTrafficPolicy") instanceof Map<?, ?> policy
        && policy.get("mode") instanceof String mode
        && mode.equalsIgnoreCase("LOCALHOST");
  }

  /**
   * Whether an OpenTelemetry extension provider of the MeshConfig asks for semantic-convention
   * service attributes ({@code serviceAttributeEnrichment: OTEL_SEMANTIC_CONVENTIONS}): Istio's
   * template then gives the proxy {@code OTEL_RESOURCE_ATTRIBUTES} (from 1.30).
   */
  public static boolean otelSemanticConventions(Map<String, Object> mesh) {
    if (!(mesh.get("extensionProviders") instanceof List<?> providers)) {
      return false;
    }
    for (Object p : providers) {
      if (p instanceof Map<?, ?> provider
          && provider.get("opentelemetry") instanceof Map<?, ?> otel
          && "OTEL_SEMANTIC_CONVENTIONS".equals(otel.get("serviceAttributeEnrichment"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param nodesSupportNativeSidecars every node's kubelet is 1.33 or newer (for {@code auto})
   */
  public static InjectionSettings settings(ControlPlane cp, boolean nodesSupportNativeSidecars) {
    ProxySpec proxy = cp.proxy();
    Map<String, Object> mesh = IstiodModel.meshConfig(cp);
    var b =
        InjectionSettings.builder()
            .hub(cp.hub())
            .tag(cp.tag())
            .imagePullSecrets(cp.imagePullSecrets())
            .revision(cp.revision())
            .istioNamespace(cp.namespace())
            .caAddress(cp.discoveryAddress())
            .clusterId(cp.clusterId())
            .trustDomain(cp.trustDomain())
            .clusterDomain(ControlPlane.CLUSTER_DOMAIN)
            .proxyResources(cp.proxyResources())
            .nativeSidecars(nativeSidecars(proxy.nativeSidecars, nodesSupportNativeSidecars))
            .rewriteAppHttpProbe(!Boolean.FALSE.equals(cp.injection().rewriteAppHTTPProbers))
            .enablePrometheusMerge(!Boolean.FALSE.equals(mesh.get("enablePrometheusMerge")))
            .inboundTrafficPolicyLocalhost(inboundTrafficPolicyLocalhost(mesh))
            .otelSemanticConventions(otelSemanticConventions(mesh))
            .meshDefaultConfig(defaultConfig(mesh))
            // The release's own injector behaviour (InjectorRelease), not the engine's newest. A
            // version no release behaviour exists for is refused by the reconciler (no istiod of
            // it ever runs); the injector then keeps to the default release instead of failing.
            .istioVersion(
                InjectorRelease.find(cp.version()).isPresent()
                    ? cp.version()
                    : IstioVersions.DEFAULT);
    if (mesh.get("meshId") instanceof String meshId && !meshId.isBlank()) {
      b.meshId(meshId);
    }
    if (proxy.image != null && !proxy.image.isBlank()) {
      // A full reference (it contains a slash) replaces <hub>/proxyv2:<tag>.
      b.proxyImageName(proxy.image).proxyInitImageName(proxy.image);
    }
    if (proxy.imagePullPolicy != null) {
      b.imagePullPolicy(proxy.imagePullPolicy.name());
    }
    if (proxy.logLevel != null) {
      b.logLevel(proxy.logLevel.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (proxy.componentLogLevel != null) {
      b.componentLogLevel(proxy.componentLogLevel);
    }
    if (proxy.holdApplicationUntilProxyStarts != null) {
      b.holdApplicationUntilProxyStarts(proxy.holdApplicationUntilProxyStarts);
    }
    if (proxy.includeIPRanges != null) {
      b.includeIPRanges(proxy.includeIPRanges);
    }
    if (proxy.excludeIPRanges != null) {
      b.excludeIPRanges(proxy.excludeIPRanges);
    }
    if (proxy.includeInboundPorts != null) {
      b.includeInboundPorts(proxy.includeInboundPorts);
    }
    if (proxy.excludeInboundPorts != null) {
      b.excludeInboundPorts(proxy.excludeInboundPorts);
    }
    if (proxy.excludeOutboundPorts != null) {
      b.excludeOutboundPorts(proxy.excludeOutboundPorts);
    }
    return b.build();
  }

  /** Which pods this control plane injects. */
  public static InjectionPolicy policy(ControlPlane cp) {
    InjectionSpec spec = cp.injection();
    var defaults = InjectionPolicy.defaults();
    return new InjectionPolicy(
        spec.policy == InjectionSpec.Policy.DISABLED
            ? InjectionPolicy.Mode.DISABLED
            : InjectionPolicy.Mode.ENABLED,
        cp.revision(),
        Set.of(),
        spec.neverInjectSelector == null ? List.of() : spec.neverInjectSelector,
        spec.alwaysInjectSelector == null ? List.of() : spec.alwaysInjectSelector,
        defaults.ignoredNamespaces(),
        false);
  }

  static boolean nativeSidecars(ProxySpec.NativeSidecars mode, boolean nodesSupport) {
    if (mode == null || mode == ProxySpec.NativeSidecars.AUTO) {
      return nodesSupport;
    }
    return mode == ProxySpec.NativeSidecars.ON;
  }

  @SuppressWarnings("unchecked")
  private static ObjectNode defaultConfig(Map<String, Object> mesh) {
    Object dc = mesh.get("defaultConfig");
    Map<String, Object> config =
        dc instanceof Map<?, ?> m
            ? new LinkedHashMap<>((Map<String, Object>) m)
            : new LinkedHashMap<>();
    return JSON.valueToTree(config);
  }
}
