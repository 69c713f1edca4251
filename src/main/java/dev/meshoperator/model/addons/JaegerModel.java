package dev.meshoperator.model.addons;

import static dev.meshoperator.model.addons.AddonObjects.map;

import dev.meshoperator.model.AddonSettings;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.MeshNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;

/**
 * Jaeger v2 (an OpenTelemetry collector build) in one pod: OTLP and Zipkin receivers, in-memory
 * storage bounded by {@code maxTraces}, the query UI under {@value #BASE_PATH}. The proxies send
 * spans to {@code jaeger-collector} over OTLP/gRPC (the mesh config's tracing provider, see
 * IstiodModel); users open the UI through {@code tracing}.
 */
public final class JaegerModel {

  public static final AddonSettings.Name ADDON = AddonSettings.Name.JAEGER;
  public static final int QUERY_PORT = 16686;
  public static final int QUERY_GRPC_PORT = 16685;
  public static final int OTLP_GRPC_PORT = 4317;
  public static final int OTLP_HTTP_PORT = 4318;
  public static final int ZIPKIN_PORT = 9411;
  public static final int HEALTH_PORT = 13133;
  public static final String BASE_PATH = "/jaeger";
  static final String CONFIG_KEY = "config.yaml";
  private static final String CONFIG_DIR = "/etc/jaeger";
  private static final String STORE = "memstore";

  private JaegerModel() {}

  /** The query UI/API through the {@code tracing} Service (port 80). */
  public static String queryUrl(ControlPlane cp) {
    return AddonObjects.url(cp, MeshNames.tracingService(cp), 80, BASE_PATH);
  }

  /** Jaeger reads nothing from the Kubernetes API: no token. */
  public static ServiceAccount serviceAccount(ControlPlane cp) {
    return AddonObjects.serviceAccount(cp, ADDON, false);
  }

  public static ConfigMap configMap(ControlPlane cp) {
    return AddonObjects.configMap(
        cp, ADDON, MeshNames.addon(cp, ADDON), Map.of(CONFIG_KEY, config(cp)));
  }

  /** Jaeger v2's collector-style configuration. */
  public static String config(ControlPlane cp) {
    return AddonObjects.yaml(
        map(
            "service",
            map(
                "extensions",
                List.of("jaeger_storage", "jaeger_query", "healthcheckv2"),
                "pipelines",
                map(
                    "traces",
                    map(
                        "receivers",
                        List.of("otlp", "zipkin"),
                        "processors",
                        List.of("batch"),
                        "exporters",
                        List.of("jaeger_storage_exporter"))),
                "telemetry",
                map("resource", map("service.name", "jaeger"), "logs", map("level", "info"))),
            "extensions",
            map(
                "healthcheckv2",
                map("use_v2", true, "http", map("endpoint", "0.0.0.0:" + HEALTH_PORT)),
                "jaeger_query",
                map(
                    "base_path",
                    BASE_PATH,
                    "storage",
                    map("traces", STORE),
                    "http",
                    map("endpoint", "0.0.0.0:" + QUERY_PORT),
                    "grpc",
                    map("endpoint", "0.0.0.0:" + QUERY_GRPC_PORT)),
                "jaeger_storage",
                map(
                    "backends",
                    map(
                        STORE,
                        map("memory", map("max_traces", cp.addons().jaeger().maxTraces()))))),
            "receivers",
            map(
                "otlp",
                map(
                    "protocols",
                    map(
                        "grpc",
                        map("endpoint", "0.0.0.0:" + OTLP_GRPC_PORT),
                        "http",
                        map("endpoint", "0.0.0.0:" + OTLP_HTTP_PORT))),
                "zipkin",
                map("endpoint", "0.0.0.0:" + ZIPKIN_PORT)),
            "processors",
            map("batch", map()),
            "exporters",
            map("jaeger_storage_exporter", map("trace_storage", STORE))));
  }

  public static Deployment deployment(ControlPlane cp) {
    var j = cp.addons().jaeger();
    ConfigMap config = configMap(cp);
    Container c =
        new ContainerBuilder()
            .withName("jaeger")
            .withImage(j.image())
            .withArgs("--config", CONFIG_DIR + "/" + CONFIG_KEY)
            .withPorts(
                containerPort("http-query", QUERY_PORT),
                containerPort("grpc-query", QUERY_GRPC_PORT),
                containerPort("grpc-otlp", OTLP_GRPC_PORT),
                containerPort("http-otlp", OTLP_HTTP_PORT),
                containerPort("http-zipkin", ZIPKIN_PORT),
                containerPort("http-health", HEALTH_PORT))
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/status")
            .withPort(new IntOrString(HEALTH_PORT))
            .endHttpGet()
            .endReadinessProbe()
            .withNewLivenessProbe()
            .withNewHttpGet()
            .withPath("/status")
            .withPort(new IntOrString(HEALTH_PORT))
            .endHttpGet()
            .endLivenessProbe()
            .withResources(j.resources())
            .withSecurityContext(Containers.restricted(true))
            .addNewVolumeMount()
            .withName("config")
            .withMountPath(CONFIG_DIR)
            .withReadOnly(true)
            .endVolumeMount()
            .build();
    List<Volume> volumes = List.of(AddonObjects.configVolume(cp, ADDON));
    // Recreate: traces are in memory, a second pod would split them.
    return AddonObjects.deployment(cp, ADDON, false, c, volumes, true, config);
  }

  private static ContainerPort containerPort(String name, int port) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(port)
        .withProtocol("TCP")
        .build();
  }

  /** {@code tracing}: port 80 to the query UI, as Istio's addon and Kiali's defaults expect. */
  public static Service tracingService(ControlPlane cp) {
    return new ServiceBuilder()
        .withMetadata(AddonObjects.meta(cp, ADDON, MeshNames.tracingService(cp)))
        .withNewSpec()
        .withSelector(AddonObjects.selector(cp, ADDON))
        .withPorts(
            AddonObjects.port("http-query", 80, QUERY_PORT),
            AddonObjects.port("grpc-query", QUERY_GRPC_PORT, QUERY_GRPC_PORT))
        .endSpec()
        .build();
  }

  /** {@code jaeger-collector}: where the proxies send spans. */
  public static Service collectorService(ControlPlane cp) {
    return new ServiceBuilder()
        .withMetadata(AddonObjects.meta(cp, ADDON, MeshNames.jaegerCollector(cp)))
        .withNewSpec()
        .withSelector(AddonObjects.selector(cp, ADDON))
        .withPorts(
            AddonObjects.port("grpc-otel", OTLP_GRPC_PORT, OTLP_GRPC_PORT),
            AddonObjects.port("http-otel", OTLP_HTTP_PORT, OTLP_HTTP_PORT),
            AddonObjects.port("http-zipkin", ZIPKIN_PORT, ZIPKIN_PORT))
        .endSpec()
        .build();
  }

  /** The collector's OTLP/gRPC address, as the mesh config's tracing provider names it. */
  public static String collectorHost(ControlPlane cp) {
    return MeshNames.jaegerCollector(cp)
        + "."
        + cp.namespace()
        + ".svc."
        + ControlPlane.CLUSTER_DOMAIN;
  }
}
