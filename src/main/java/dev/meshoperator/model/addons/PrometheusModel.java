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
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * Prometheus, configured by this project: it scrapes istiod's monitoring port, and the gateways and
 * every injected pod through the {@code prometheus.io/*} annotations the injector writes when
 * metrics merging is on (port 15020, path /stats/prometheus: Envoy's and the application's metrics
 * merged by the agent). Samples live in a size-limited emptyDir.
 */
public final class PrometheusModel {

  public static final AddonSettings.Name ADDON = AddonSettings.Name.PROMETHEUS;
  public static final int PORT = 9090;

  /** istiod's monitoring port (its {@code --monitoringAddr}). */
  public static final int ISTIOD_MONITORING_PORT = 15014;

  static final String CONFIG_KEY = "prometheus.yml";
  private static final String CONFIG_DIR = "/etc/prometheus";
  private static final String DATA_DIR = "/data";

  /** Share of the emptyDir Prometheus may fill before it deletes old blocks itself. */
  private static final BigDecimal RETENTION_SHARE = new BigDecimal("0.8");

  private PrometheusModel() {}

  public static String url(ControlPlane cp) {
    return AddonObjects.url(cp, MeshNames.addon(cp, ADDON), PORT, "");
  }

  public static ServiceAccount serviceAccount(ControlPlane cp) {
    return AddonObjects.serviceAccount(cp, ADDON, true);
  }

  public static ClusterRole clusterRole(ControlPlane cp) {
    return AddonObjects.clusterRole(cp, ADDON, AddonRbac.prometheusRules());
  }

  public static ClusterRoleBinding clusterRoleBinding(ControlPlane cp) {
    return AddonObjects.clusterRoleBinding(cp, ADDON);
  }

  public static ConfigMap configMap(ControlPlane cp) {
    return AddonObjects.configMap(
        cp, ADDON, MeshNames.addon(cp, ADDON), Map.of(CONFIG_KEY, config(cp)));
  }

  /** The prometheus.yml this project writes. */
  public static String config(ControlPlane cp) {
    return AddonObjects.yaml(
        map(
            "global",
            map("scrape_interval", "15s", "scrape_timeout", "10s", "evaluation_interval", "15s"),
            "scrape_configs",
            List.of(self(), istiod(cp), meshPods(cp))));
  }

  private static Map<String, Object> self() {
    return map(
        "job_name",
        "prometheus",
        "static_configs",
        List.of(map("targets", List.of("localhost:" + PORT))));
  }

  /**
   * istiod's pods of this control plane's namespace (every revision there), on their monitoring
   * port. Service discovery by pod: one target per declared container port, of which only 15014 is
   * kept.
   */
  private static Map<String, Object> istiod(ControlPlane cp) {
    return map(
        "job_name",
        "istiod",
        "kubernetes_sd_configs",
        List.of(map("role", "pod", "namespaces", map("names", List.of(cp.namespace())))),
        "relabel_configs",
        List.of(
            map(
                "source_labels",
                List.of(
                    "__meta_kubernetes_pod_label_app",
                    "__meta_kubernetes_pod_container_port_number"),
                "action",
                "keep",
                "regex",
                "istiod;" + ISTIOD_MONITORING_PORT),
            dropFinishedPods(),
            copy("__meta_kubernetes_namespace", "namespace"),
            copy("__meta_kubernetes_pod_name", "pod"),
            copy("__meta_kubernetes_pod_label_istio_io_rev", "revision")));
  }

  /**
   * The gateways and every injected pod: the injector merges the application's own {@code
   * prometheus.io/*} annotations into the agent's and points them at the agent (15020,
   * /stats/prometheus). istiod is left to its own job, so it is not scraped twice.
   */
  private static Map<String, Object> meshPods(ControlPlane cp) {
    return map(
        "job_name",
        "kubernetes-pods",
        "kubernetes_sd_configs",
        List.of(map("role", "pod")),
        "relabel_configs",
        List.of(
            map(
                "source_labels",
                List.of("__meta_kubernetes_pod_annotation_prometheus_io_scrape"),
                "action",
                "keep",
                "regex",
                "true"),
            map(
                "source_labels",
                List.of("__meta_kubernetes_pod_label_app"),
                "action",
                "drop",
                "regex",
                "istiod"),
            dropFinishedPods(),
            map(
                "source_labels",
                List.of("__meta_kubernetes_pod_annotation_prometheus_io_scheme"),
                "action",
                "replace",
                "regex",
                "(https?)",
                "target_label",
                "__scheme__"),
            map(
                "source_labels",
                List.of("__meta_kubernetes_pod_annotation_prometheus_io_path"),
                "action",
                "replace",
                "regex",
                "(.+)",
                "target_label",
                "__metrics_path__"),
            // The pod's IP (IPv4, or IPv6 in brackets) with the annotated port.
            map(
                "source_labels",
                List.of(
                    "__meta_kubernetes_pod_annotation_prometheus_io_port",
                    "__meta_kubernetes_pod_ip"),
                "action",
                "replace",
                "regex",
                "(\\d+);(\\d+\\.\\d+\\.\\d+\\.\\d+)",
                "replacement",
                "$2:$1",
                "target_label",
                "__address__"),
            map(
                "source_labels",
                List.of(
                    "__meta_kubernetes_pod_annotation_prometheus_io_port",
                    "__meta_kubernetes_pod_ip"),
                "action",
                "replace",
                "regex",
                "(\\d+);([0-9A-Fa-f:]+)",
                "replacement",
                "[$2]:$1",
                "target_label",
                "__address__"),
            copy("__meta_kubernetes_namespace", "namespace"),
            copy("__meta_kubernetes_pod_name", "pod"),
            copy("__meta_kubernetes_pod_label_app", "app"),
            copy("__meta_kubernetes_pod_label_version", "version")));
  }

  private static Map<String, Object> dropFinishedPods() {
    return map(
        "source_labels",
        List.of("__meta_kubernetes_pod_phase"),
        "action",
        "drop",
        "regex",
        "Pending|Succeeded|Failed|Completed");
  }

  private static Map<String, Object> copy(String source, String target) {
    return map("source_labels", List.of(source), "action", "replace", "target_label", target);
  }

  /** {@code --storage.tsdb.retention.size}: 80% of the emptyDir's limit, in bytes. */
  static String retentionSize(String storageSize) {
    BigDecimal bytes = new Quantity(storageSize).getNumericalAmount();
    return bytes.multiply(RETENTION_SHARE).setScale(0, RoundingMode.DOWN).toPlainString() + "B";
  }

  public static Deployment deployment(ControlPlane cp) {
    var p = cp.addons().prometheus();
    ConfigMap config = configMap(cp);
    Container c =
        new ContainerBuilder()
            .withName("prometheus")
            .withImage(p.image())
            .withArgs(
                "--config.file=" + CONFIG_DIR + "/" + CONFIG_KEY,
                "--storage.tsdb.path=" + DATA_DIR,
                "--storage.tsdb.retention.time=" + p.retention(),
                "--storage.tsdb.retention.size=" + retentionSize(p.storageSize()))
            .addNewPort()
            .withName("http")
            .withContainerPort(PORT)
            .withProtocol("TCP")
            .endPort()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/-/ready")
            .withPort(new IntOrString(PORT))
            .endHttpGet()
            .withPeriodSeconds(5)
            .withTimeoutSeconds(4)
            .endReadinessProbe()
            .withNewLivenessProbe()
            .withNewHttpGet()
            .withPath("/-/healthy")
            .withPort(new IntOrString(PORT))
            .endHttpGet()
            .withInitialDelaySeconds(30)
            .withPeriodSeconds(15)
            .withTimeoutSeconds(10)
            .endLivenessProbe()
            .withResources(p.resources())
            .withSecurityContext(Containers.restricted(true))
            .addNewVolumeMount()
            .withName("config")
            .withMountPath(CONFIG_DIR)
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("data")
            .withMountPath(DATA_DIR)
            .endVolumeMount()
            .build();
    List<Volume> volumes =
        List.of(
            AddonObjects.configVolume(cp, ADDON),
            new VolumeBuilder()
                .withName("data")
                .withNewEmptyDir()
                .withSizeLimit(new Quantity(p.storageSize()))
                .endEmptyDir()
                .build());
    // Recreate: two Prometheus pods would each scrape everything, and the data is per pod.
    return AddonObjects.deployment(cp, ADDON, true, c, volumes, true, config);
  }

  public static Service service(ControlPlane cp) {
    return new ServiceBuilder()
        .withMetadata(AddonObjects.meta(cp, ADDON, MeshNames.addon(cp, ADDON)))
        .withNewSpec()
        .withSelector(AddonObjects.selector(cp, ADDON))
        .withPorts(AddonObjects.port("http", PORT, PORT))
        .endSpec()
        .build();
  }
}
