package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.Profile;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each Istio profile sets, as data. Values follow Istio's own profiles
 * (manifests/profiles/*.yaml and the charts' values); explicit spec fields override them.
 */
public final class Profiles {

  private Profiles() {}

  /** Defaults of one profile. */
  public record Defaults(
      boolean istiod,
      boolean ingressGateway,
      boolean egressGateway,
      boolean addons,
      boolean istiodAutoscaling,
      ResourceRequirements istiodResources,
      ResourceRequirements proxyResources,
      double traceSampling,
      Map<String, Object> meshConfig) {}

  public static Defaults of(Profile profile) {
    return switch (profile) {
      case DEFAULT ->
          new Defaults(
              true, true, false, false, true, requests("500m", "2048Mi"), PROXY, 1.0, Map.of());
      case DEMO ->
          new Defaults(
              true,
              true,
              true,
              true,
              false,
              requests("10m", "100Mi"),
              new ResourceRequirementsBuilder()
                  .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("40Mi")))
                  .withLimits(Map.of("cpu", new Quantity("2"), "memory", new Quantity("1Gi")))
                  .build(),
              100.0,
              demoMeshConfig());
      case MINIMAL ->
          new Defaults(
              true, false, false, false, true, requests("500m", "2048Mi"), PROXY, 1.0, Map.of());
      case EMPTY ->
          new Defaults(
              false, false, false, false, true, requests("500m", "2048Mi"), PROXY, 1.0, Map.of());
    };
  }

  private static final ResourceRequirements PROXY =
      new ResourceRequirementsBuilder()
          .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
          .withLimits(Map.of("cpu", new Quantity("2"), "memory", new Quantity("1Gi")))
          .build();

  private static ResourceRequirements requests(String cpu, String memory) {
    return new ResourceRequirementsBuilder()
        .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
        .build();
  }

  /** Access logs to stdout and the tracing providers of Istio's demo profile. */
  private static Map<String, Object> demoMeshConfig() {
    Map<String, Object> mesh = new LinkedHashMap<>();
    mesh.put("accessLogFile", "/dev/stdout");
    mesh.put(
        "extensionProviders",
        List.of(
            Map.of(
                "name",
                "otel",
                "envoyOtelAls",
                Map.of(
                    "service",
                    "opentelemetry-collector.observability.svc.cluster.local",
                    "port",
                    4317)),
            Map.of(
                "name",
                "skywalking",
                "skywalking",
                Map.of("service", "tracing.istio-system.svc.cluster.local", "port", 11800)),
            Map.of(
                "name",
                "otel-tracing",
                "opentelemetry",
                Map.of(
                    "service",
                    "opentelemetry-collector.observability.svc.cluster.local",
                    "port",
                    4317))));
    // No "jaeger" provider here: IstiodModel adds it, in the control plane's own namespace, when
    // the Jaeger addon runs.
    return mesh;
  }
}
