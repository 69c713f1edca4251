package dev.meshoperator.model.addons;

import static dev.meshoperator.model.addons.AddonObjects.map;

import dev.meshoperator.model.AddonSettings;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.MeshNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Grafana with this project's datasources (Prometheus, and Jaeger when it is on) and dashboards
 * ({@link GrafanaDashboards}), provisioned from ConfigMaps. Anonymous users are Viewers and there
 * is no login form: nobody can edit through it unless the configuration is changed.
 */
public final class GrafanaModel {

  public static final AddonSettings.Name ADDON = AddonSettings.Name.GRAFANA;
  public static final int PORT = 3000;
  static final String DASHBOARDS_DIR = "/var/lib/grafana/dashboards/istio";

  private GrafanaModel() {}

  public static String url(ControlPlane cp) {
    return AddonObjects.url(cp, MeshNames.addon(cp, ADDON), PORT, "");
  }

  /** Grafana reads nothing from the Kubernetes API: no token. */
  public static ServiceAccount serviceAccount(ControlPlane cp) {
    return AddonObjects.serviceAccount(cp, ADDON, false);
  }

  public static ConfigMap configMap(ControlPlane cp) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("grafana.ini", ini());
    data.put("datasources.yaml", datasources(cp));
    data.put(
        "dashboardproviders.yaml",
        AddonObjects.yaml(
            map(
                "apiVersion",
                1,
                "providers",
                List.of(
                    map(
                        "name",
                        "istio",
                        "folder",
                        "Istio",
                        "type",
                        "file",
                        "disableDeletion",
                        true,
                        "allowUiUpdates",
                        false,
                        "options",
                        map("path", DASHBOARDS_DIR))))));
    return AddonObjects.configMap(cp, ADDON, MeshNames.addon(cp, ADDON), data);
  }

  private static String ini() {
    return """
        [analytics]
        check_for_updates = false
        reporting_enabled = false

        [auth]
        disable_login_form = true

        [auth.anonymous]
        enabled = true
        org_role = Viewer

        [auth.basic]
        enabled = false

        [log]
        mode = console

        [paths]
        data = /var/lib/grafana
        provisioning = /etc/grafana/provisioning
        """;
  }

  /** Prometheus (the default), and Jaeger when it runs, by their in-cluster Service URLs. */
  public static String datasources(ControlPlane cp) {
    List<Object> sources = new ArrayList<>();
    sources.add(
        map(
            "name",
            "Prometheus",
            "type",
            "prometheus",
            "uid",
            GrafanaDashboards.PROMETHEUS_UID,
            "access",
            "proxy",
            "url",
            PrometheusModel.url(cp),
            "isDefault",
            true,
            "editable",
            false,
            "jsonData",
            map("timeInterval", "15s")));
    if (cp.addons().jaeger().enabled()) {
      sources.add(
          map(
              "name",
              "Jaeger",
              "type",
              "jaeger",
              "uid",
              "jaeger",
              "access",
              "proxy",
              "url",
              JaegerModel.queryUrl(cp),
              "editable",
              false));
    }
    return AddonObjects.yaml(map("apiVersion", 1, "datasources", sources));
  }

  public static ConfigMap dashboards(ControlPlane cp) {
    return AddonObjects.configMap(
        cp, ADDON, MeshNames.grafanaDashboards(cp), GrafanaDashboards.all(cp));
  }

  public static Deployment deployment(ControlPlane cp) {
    var g = cp.addons().grafana();
    String configMap = MeshNames.addon(cp, ADDON);
    Container c =
        new ContainerBuilder()
            .withName("grafana")
            .withImage(g.image())
            .addNewPort()
            .withName("http")
            .withContainerPort(PORT)
            .withProtocol("TCP")
            .endPort()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/api/health")
            .withPort(new IntOrString(PORT))
            .endHttpGet()
            .endReadinessProbe()
            .withResources(g.resources())
            .withSecurityContext(Containers.restricted(false))
            .addNewVolumeMount()
            .withName("config")
            .withMountPath("/etc/grafana/grafana.ini")
            .withSubPath("grafana.ini")
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("datasources")
            .withMountPath("/etc/grafana/provisioning/datasources")
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("dashboard-providers")
            .withMountPath("/etc/grafana/provisioning/dashboards")
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("storage")
            .withMountPath("/var/lib/grafana")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("dashboards")
            .withMountPath(DASHBOARDS_DIR)
            .withReadOnly(true)
            .endVolumeMount()
            .build();
    List<Volume> volumes =
        List.of(
            configVolume("config", configMap, "grafana.ini"),
            configVolume("datasources", configMap, "datasources.yaml"),
            configVolume("dashboard-providers", configMap, "dashboardproviders.yaml"),
            new VolumeBuilder()
                .withName("dashboards")
                .withNewConfigMap()
                .withName(MeshNames.grafanaDashboards(cp))
                .endConfigMap()
                .build(),
            new VolumeBuilder().withName("storage").withNewEmptyDir().endEmptyDir().build());
    return AddonObjects.deployment(
        cp, ADDON, false, c, volumes, false, configMap(cp), dashboards(cp));
  }

  private static Volume configVolume(String name, String configMap, String key) {
    return new VolumeBuilder()
        .withName(name)
        .withNewConfigMap()
        .withName(configMap)
        .withItems(new KeyToPath(key, null, key))
        .endConfigMap()
        .build();
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
