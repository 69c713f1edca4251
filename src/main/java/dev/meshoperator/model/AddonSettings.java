package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.AddonsSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;
import java.util.Map;

/**
 * The resolved addons of a control plane: the profile's on/off default with {@code spec.addons}
 * laid over it, every value filled in. Built once in {@link ControlPlane#of}.
 */
public record AddonSettings(Prometheus prometheus, Addon grafana, Addon kiali, Jaeger jaeger) {

  /** The addons by the names used in labels, status and the API. */
  public enum Name {
    PROMETHEUS("prometheus"),
    GRAFANA("grafana"),
    KIALI("kiali"),
    JAEGER("jaeger");

    private final String id;

    Name(String id) {
      this.id = id;
    }

    /** The lower-case name: the label value of {@link MeshLabels#ADDON}. */
    public String id() {
      return id;
    }
  }

  public static final String DEFAULT_RETENTION = "6h";
  public static final String DEFAULT_STORAGE_SIZE = "1Gi";
  public static final int DEFAULT_MAX_TRACES = 50_000;

  /** One addon. */
  public record Addon(boolean enabled, String image, ResourceRequirements resources) {}

  /** Prometheus with its storage: retention time and the emptyDir's size limit. */
  public record Prometheus(
      boolean enabled,
      String image,
      ResourceRequirements resources,
      String retention,
      String storageSize) {}

  /** Jaeger with the number of traces its memory storage keeps. */
  public record Jaeger(
      boolean enabled, String image, ResourceRequirements resources, int maxTraces) {}

  public boolean enabled(Name name) {
    return switch (name) {
      case PROMETHEUS -> prometheus.enabled();
      case GRAFANA -> grafana.enabled();
      case KIALI -> kiali.enabled();
      case JAEGER -> jaeger.enabled();
    };
  }

  public boolean anyEnabled() {
    for (Name n : Name.values()) {
      if (enabled(n)) {
        return true;
      }
    }
    return false;
  }

  /** The tracing extension provider's name when the Jaeger addon runs. */
  public static final String JAEGER_PROVIDER = "jaeger";

  /**
   * The effective MeshConfig when the Jaeger addon runs: the profile's, plus an OpenTelemetry
   * tracing provider {@value #JAEGER_PROVIDER} sending to the collector ({@code collectorHost},
   * OTLP/gRPC 4317) as the default tracing provider, then the user's {@code meshConfig} over both
   * with the usual merge (maps by key, lists replaced). The user wins where they decided: their own
   * {@code extensionProviders} list stands as written, and if it has no provider of that name, the
   * addon's default tracing provider (which would name a missing provider) is dropped unless they
   * set {@code defaultProviders.tracing} themselves. Sampling stays istiod's {@code
   * PILOT_TRACE_SAMPLING} (100% in the demo profile) unless the user's Telemetry or {@code
   * defaultConfig.tracing.sampling} says otherwise.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> meshConfigWithJaeger(
      Map<String, Object> profile, Map<String, Object> user, String collectorHost) {
    Map<String, Object> base = new java.util.LinkedHashMap<>(profile);
    List<Object> providers =
        base.get("extensionProviders") instanceof List<?> l
            ? new java.util.ArrayList<>(l)
            : new java.util.ArrayList<>();
    providers.removeIf(p -> p instanceof Map<?, ?> m && JAEGER_PROVIDER.equals(m.get("name")));
    providers.add(
        Map.of(
            "name",
            JAEGER_PROVIDER,
            "opentelemetry",
            Map.of("service", collectorHost, "port", 4317)));
    base.put("extensionProviders", providers);
    base.put("defaultProviders", Map.of("tracing", List.of(JAEGER_PROVIDER)));
    Map<String, Object> mesh = ControlPlane.deepMerge(base, user);
    if (user == null || !(user.get("extensionProviders") instanceof List<?> own)) {
      return mesh;
    }
    boolean named =
        own.stream()
            .anyMatch(p -> p instanceof Map<?, ?> m && JAEGER_PROVIDER.equals(m.get("name")));
    boolean userTracing =
        user.get("defaultProviders") instanceof Map<?, ?> d && d.containsKey("tracing");
    if (!named && !userTracing && mesh.get("defaultProviders") instanceof Map<?, ?> d) {
      Map<String, Object> defaults = new java.util.LinkedHashMap<>((Map<String, Object>) d);
      defaults.remove("tracing");
      if (defaults.isEmpty()) {
        mesh.remove("defaultProviders");
      } else {
        mesh.put("defaultProviders", defaults);
      }
    }
    return mesh;
  }

  /** {@code spec} (may be null) over the profile's default {@code on}. */
  static AddonSettings resolve(AddonsSpec spec, boolean on) {
    AddonsSpec s = spec == null ? new AddonsSpec() : spec;
    var p = s.prometheus == null ? new AddonsSpec.PrometheusAddon() : s.prometheus;
    var j = s.jaeger == null ? new AddonsSpec.JaegerAddon() : s.jaeger;
    return new AddonSettings(
        new Prometheus(
            enabled(p, on),
            image(p, AddonImages.PROMETHEUS),
            resources(p, "10m", "256Mi"),
            orElse(p.retention, DEFAULT_RETENTION),
            orElse(p.storageSize, DEFAULT_STORAGE_SIZE)),
        addon(s.grafana, on, AddonImages.GRAFANA, "10m", "64Mi"),
        addon(s.kiali, on, AddonImages.KIALI, "10m", "64Mi"),
        new Jaeger(
            enabled(j, on),
            image(j, AddonImages.JAEGER),
            resources(j, "10m", "128Mi"),
            j.maxTraces == null ? DEFAULT_MAX_TRACES : j.maxTraces));
  }

  private static Addon addon(
      AddonsSpec.Addon spec, boolean on, String image, String cpu, String memory) {
    AddonsSpec.Addon a = spec == null ? new AddonsSpec.Addon() : spec;
    return new Addon(enabled(a, on), image(a, image), resources(a, cpu, memory));
  }

  private static boolean enabled(AddonsSpec.Addon a, boolean on) {
    return a.enabled == null ? on : a.enabled;
  }

  private static String image(AddonsSpec.Addon a, String fallback) {
    return a.image == null || a.image.isBlank() ? fallback : a.image;
  }

  /** Small requests by default (the demo runs on small clusters), no limits unless asked. */
  private static ResourceRequirements resources(AddonsSpec.Addon a, String cpu, String memory) {
    if (a.resources != null) {
      return a.resources;
    }
    return new ResourceRequirementsBuilder()
        .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
        .build();
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
