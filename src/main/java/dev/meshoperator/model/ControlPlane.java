package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.InjectionSpec;
import dev.meshoperator.api.v1alpha1.IstioVersions;
import dev.meshoperator.api.v1alpha1.IstiodSpec;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.api.v1alpha1.ProxySpec;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration of one MeshControlPlane: the profile's defaults with the spec laid
 * over them. Every model builder takes this, so defaulting happens in exactly one place and never
 * by patching the user's spec.
 */
public record ControlPlane(
    String name,
    String namespace,
    String revision,
    String version,
    String hub,
    String tag,
    String clusterId,
    List<String> imagePullSecrets,
    boolean istiodEnabled,
    Istiod istiod,
    boolean ingressGateway,
    boolean egressGateway,
    AddonSettings addons,
    double traceSampling,
    ResourceRequirements proxyResources,
    Map<String, Object> meshConfig,
    String trustDomain,
    ProxySpec proxy,
    InjectionSpec injection,
    boolean operatorCa) {

  public static final String CLUSTER_DOMAIN = "cluster.local";
  public static final String DEFAULT_HUB = "docker.io/istio";

  /** Resolved istiod settings. */
  public record Istiod(
      String image,
      int replicas,
      boolean autoscaling,
      int minReplicas,
      int maxReplicas,
      int targetCpu,
      boolean podDisruptionBudget,
      ResourceRequirements resources,
      Map<String, String> nodeSelector,
      List<Toleration> tolerations,
      Affinity affinity,
      List<EnvVar> env,
      Map<String, String> podAnnotations,
      String priorityClassName) {

    /** The replica count a PodDisruptionBudget has to protect. */
    public int minimumReplicas() {
      return autoscaling ? minReplicas : replicas;
    }
  }

  /** Resolves {@code cr} against its profile. Pure: same CR, same result. */
  public static ControlPlane of(MeshControlPlane cr) {
    MeshControlPlaneSpec spec = cr.getSpec() == null ? new MeshControlPlaneSpec() : cr.getSpec();
    var defaults = Profiles.of(orElse(spec.profile, Profile.DEFAULT));
    String version = orElse(blankToNull(spec.version), IstioVersions.DEFAULT);
    String hub = orElse(blankToNull(spec.hub), DEFAULT_HUB);
    String tag = orElse(blankToNull(spec.tag), version);
    IstiodSpec is = spec.istiod == null ? new IstiodSpec() : spec.istiod;
    var auto = is.autoscaling == null ? new IstiodSpec.AutoscalingSpec() : is.autoscaling;
    int min = orElse(auto.minReplicas, 1);
    var istiod =
        new Istiod(
            blankToNull(is.image) != null ? is.image : hub + "/pilot:" + tag,
            orElse(is.replicas, 1),
            orElse(auto.enabled, defaults.istiodAutoscaling()),
            min,
            Math.max(min, orElse(auto.maxReplicas, 5)),
            orElse(auto.targetCPUUtilizationPercentage, 80),
            is.podDisruptionBudget == null || !Boolean.FALSE.equals(is.podDisruptionBudget.enabled),
            is.resources != null ? is.resources : defaults.istiodResources(),
            is.nodeSelector == null ? Map.of() : is.nodeSelector,
            is.tolerations == null ? List.of() : is.tolerations,
            is.affinity,
            is.env == null ? List.of() : is.env,
            is.podAnnotations == null ? Map.of() : is.podAnnotations,
            is.priorityClassName);
    AddonSettings addons = AddonSettings.resolve(spec.addons, defaults.addons());
    String namespace = MeshNames.namespace(cr);
    String revision = MeshNames.revision(cr);
    Map<String, Object> mesh =
        addons.jaeger().enabled()
            ? AddonSettings.meshConfigWithJaeger(
                defaults.meshConfig(),
                spec.meshConfig,
                revisioned(revision, "jaeger-collector")
                    + "."
                    + namespace
                    + ".svc."
                    + CLUSTER_DOMAIN)
            : deepMerge(defaults.meshConfig(), spec.meshConfig);
    Object td = mesh.get("trustDomain");
    return new ControlPlane(
        cr.getMetadata().getName(),
        namespace,
        revision,
        version,
        hub,
        tag,
        orElse(blankToNull(spec.clusterId), "Kubernetes"),
        spec.imagePullSecrets == null ? List.of() : spec.imagePullSecrets,
        orElse(is.enabled, defaults.istiod()),
        istiod,
        defaults.ingressGateway(),
        defaults.egressGateway(),
        addons,
        defaults.traceSampling(),
        spec.proxy != null && spec.proxy.resources != null
            ? spec.proxy.resources
            : defaults.proxyResources(),
        mesh,
        td instanceof String s && !s.isBlank() ? s : CLUSTER_DOMAIN,
        spec.proxy == null ? new ProxySpec() : spec.proxy,
        spec.injection == null ? new InjectionSpec() : spec.injection,
        spec.certificateAuthority == MeshControlPlaneSpec.CertificateAuthority.OPERATOR);
  }

  /** The Istio release of {@link #version}: what differs in the objects it installs. */
  public IstioRelease release() {
    return IstioRelease.of(version);
  }

  public boolean isDefaultRevision() {
    return MeshNames.DEFAULT_REVISION.equals(revision);
  }

  /** {@code base} or {@code base-<revision>}. */
  public String revisioned(String base) {
    return revisioned(revision, base);
  }

  private static String revisioned(String revision, String base) {
    return MeshNames.DEFAULT_REVISION.equals(revision) ? base : base + "-" + revision;
  }

  /** The address proxies use to reach this revision's istiod. */
  public String discoveryAddress() {
    return revisioned("istiod") + "." + namespace + ".svc:15012";
  }

  /**
   * Merges {@code override} into {@code base}: nested maps merge key by key, anything else
   * (scalars, lists) from {@code override} replaces. Neither input is modified.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> deepMerge(
      Map<String, Object> base, Map<String, Object> override) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (base != null) {
      base.forEach(
          (k, v) ->
              out.put(k, v instanceof Map<?, ?> m ? deepMerge((Map<String, Object>) m, null) : v));
    }
    if (override != null) {
      override.forEach(
          (k, v) -> {
            Object existing = out.get(k);
            if (existing instanceof Map<?, ?> em && v instanceof Map<?, ?> vm) {
              out.put(k, deepMerge((Map<String, Object>) em, (Map<String, Object>) vm));
            } else if (v instanceof List<?> l) {
              out.put(k, new ArrayList<>(l));
            } else {
              out.put(k, v);
            }
          });
    }
    return out;
  }

  private static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
