package dev.meshoperator.model.addons;

import static dev.meshoperator.model.addons.AddonObjects.map;

import dev.meshoperator.model.AddonRbac;
import dev.meshoperator.model.AddonSettings;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.MeshNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Kiali, view-only and anonymous, pointed at this control plane's Prometheus, Grafana, Jaeger and
 * istiod by their in-cluster Service URLs. View-only keeps its RBAC to reads ({@link
 * AddonRbac#kialiRules()}), and so what the operator must hold.
 */
public final class KialiModel {

  public static final AddonSettings.Name ADDON = AddonSettings.Name.KIALI;
  public static final int PORT = 20001;
  public static final int METRICS_PORT = 9090;
  public static final String WEB_ROOT = "/kiali";
  static final String CONFIG_KEY = "config.yaml";
  private static final String CONFIG_DIR = "/kiali-configuration";

  private KialiModel() {}

  public static String url(ControlPlane cp) {
    return AddonObjects.url(cp, MeshNames.addon(cp, ADDON), PORT, WEB_ROOT);
  }

  public static ServiceAccount serviceAccount(ControlPlane cp) {
    return AddonObjects.serviceAccount(cp, ADDON, true);
  }

  public static io.fabric8.kubernetes.api.model.rbac.ClusterRole clusterRole(ControlPlane cp) {
    return AddonObjects.clusterRole(cp, ADDON, AddonRbac.kialiRules());
  }

  public static io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding clusterRoleBinding(
      ControlPlane cp) {
    return AddonObjects.clusterRoleBinding(cp, ADDON);
  }

  public static ConfigMap configMap(ControlPlane cp) {
    return AddonObjects.configMap(
        cp, ADDON, MeshNames.addon(cp, ADDON), Map.of(CONFIG_KEY, config(cp)));
  }

  /** Kiali's config.yaml. Grafana and tracing are on only when those addons run. */
  public static String config(ControlPlane cp) {
    var addons = cp.addons();
    String istiod = MeshNames.istiod(cp);
    return AddonObjects.yaml(
        map(
            "istio_namespace",
            cp.namespace(),
            "auth",
            map("strategy", "anonymous"),
            "deployment",
            map(
                "cluster_wide_access",
                true,
                "instance_name",
                MeshNames.addon(cp, ADDON),
                "namespace",
                cp.namespace(),
                "view_only_mode",
                true),
            // With anonymous access the key signs nothing that grants more than anonymity; it
            // is derived from the control plane's identity so the model stays deterministic.
            "login_token",
            map("signing_key", signingKey(cp)),
            "server",
            map(
                "port",
                PORT,
                "web_root",
                WEB_ROOT,
                "observability",
                map("metrics", map("enabled", true, "port", METRICS_PORT))),
            "external_services",
            map(
                "istio",
                map(
                    "root_namespace",
                    cp.namespace(),
                    "config_map_name",
                    MeshNames.meshConfigMap(cp),
                    "istiod_deployment_name",
                    istiod,
                    "istiod_pod_monitoring_port",
                    PrometheusModel.ISTIOD_MONITORING_PORT,
                    "url_service_version",
                    AddonObjects.url(
                        cp, istiod, PrometheusModel.ISTIOD_MONITORING_PORT, "/version"),
                    // Kiali reaches istiod's debug API through pods/portforward, which it is not
                    // granted (see AddonRbac): its registry and proxy-status views are off.
                    "istio_api_enabled",
                    false),
                "prometheus",
                map("url", PrometheusModel.url(cp)),
                "grafana",
                map(
                    "enabled",
                    addons.grafana().enabled(),
                    "internal_url",
                    GrafanaModel.url(cp),
                    "external_url",
                    ""),
                "tracing",
                map(
                    "enabled",
                    addons.jaeger().enabled(),
                    "provider",
                    "jaeger",
                    "internal_url",
                    JaegerModel.queryUrl(cp),
                    "use_grpc",
                    false,
                    "external_url",
                    ""))));
  }

  private static String signingKey(ControlPlane cp) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  ("kiali/" + cp.namespace() + "/" + cp.name()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Deployment deployment(ControlPlane cp) {
    var k = cp.addons().kiali();
    ConfigMap config = configMap(cp);
    Container c =
        new ContainerBuilder()
            .withName("kiali")
            .withImage(k.image())
            .withCommand("/opt/kiali/kiali", "-config", CONFIG_DIR + "/" + CONFIG_KEY)
            .addNewEnv()
            .withName("ACTIVE_NAMESPACE")
            .withNewValueFrom()
            .withNewFieldRef()
            // Spelled out: the apiserver defaults it, and a missing value would look like drift.
            .withApiVersion("v1")
            .withFieldPath("metadata.namespace")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewPort()
            .withName("api-port")
            .withContainerPort(PORT)
            .withProtocol("TCP")
            .endPort()
            .addNewPort()
            .withName("http-metrics")
            .withContainerPort(METRICS_PORT)
            .withProtocol("TCP")
            .endPort()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath(WEB_ROOT + "/healthz")
            .withPort(new IntOrString(PORT))
            .endHttpGet()
            .withInitialDelaySeconds(5)
            .withPeriodSeconds(30)
            .endReadinessProbe()
            .withNewLivenessProbe()
            .withNewHttpGet()
            .withPath(WEB_ROOT + "/healthz")
            .withPort(new IntOrString(PORT))
            .endHttpGet()
            .withInitialDelaySeconds(5)
            .withPeriodSeconds(30)
            .endLivenessProbe()
            .withResources(k.resources())
            .withSecurityContext(Containers.restricted(true))
            .addNewVolumeMount()
            .withName("config")
            .withMountPath(CONFIG_DIR)
            .withReadOnly(true)
            .endVolumeMount()
            .build();
    List<Volume> volumes = List.of(AddonObjects.configVolume(cp, ADDON));
    return AddonObjects.deployment(cp, ADDON, true, c, volumes, false, config);
  }

  public static Service service(ControlPlane cp) {
    return new ServiceBuilder()
        .withMetadata(AddonObjects.meta(cp, ADDON, MeshNames.addon(cp, ADDON)))
        .withNewSpec()
        .withSelector(AddonObjects.selector(cp, ADDON))
        .withPorts(
            AddonObjects.port("http", PORT, PORT),
            AddonObjects.port("http-metrics", METRICS_PORT, METRICS_PORT))
        .endSpec()
        .build();
  }
}
