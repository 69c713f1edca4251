package dev.meshoperator.model.addons;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.meshoperator.api.v1alpha1.AddonsSpec;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.model.AddonImages;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodModel;
import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.TestResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AddonModelsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static ControlPlane cp(String ns, String rev, Consumer<AddonsSpec> addons) {
    return ControlPlane.of(
        TestResources.mcp(
            ns,
            rev,
            s -> {
              s.setProfile(Profile.DEMO);
              s.addons = new AddonsSpec();
              addons.accept(s.addons);
            }));
  }

  private static ControlPlane demo() {
    return cp("mesh-ns", "default", a -> {});
  }

  /**
   * {@code http://<name>.<ns>:<port>} of a Service's first port: what the Service really serves.
   */
  private static String serviceUrl(Service s) {
    return "http://"
        + s.getMetadata().getName()
        + "."
        + s.getMetadata().getNamespace()
        + ":"
        + s.getSpec().getPorts().get(0).getPort();
  }

  @Test
  void profilesDecideWhetherAddonsRunAndTheSpecOverrides() {
    assertThat(demo().addons().anyEnabled()).isTrue();
    for (Profile p : List.of(Profile.DEFAULT, Profile.MINIMAL, Profile.EMPTY)) {
      assertThat(
              ControlPlane.of(TestResources.mcp("n", "default", s -> s.setProfile(p)))
                  .addons()
                  .anyEnabled())
          .as(p.name())
          .isFalse();
    }
    var cp =
        ControlPlane.of(
            TestResources.mcp(
                "n",
                "default",
                s -> {
                  s.addons = new AddonsSpec();
                  s.addons.kiali = new AddonsSpec.Addon();
                  s.addons.kiali.enabled = true;
                  s.addons.kiali.image = "registry.example.com/kiali:v2.26";
                }));
    assertThat(cp.addons().kiali().enabled()).isTrue();
    assertThat(cp.addons().kiali().image()).isEqualTo("registry.example.com/kiali:v2.26");
    assertThat(cp.addons().prometheus().enabled()).isFalse();
    var demoWithoutGrafana = cp("n", "default", a -> a.grafana = off());
    assertThat(demoWithoutGrafana.addons().grafana().enabled()).isFalse();
    assertThat(demoWithoutGrafana.addons().jaeger().enabled()).isTrue();
  }

  private static AddonsSpec.Addon off() {
    var a = new AddonsSpec.Addon();
    a.enabled = false;
    return a;
  }

  @Test
  void defaultImagesArePinnedToIstio1303sAddons() {
    ControlPlane cp = demo();
    assertThat(image(PrometheusModel.deployment(cp))).isEqualTo(AddonImages.PROMETHEUS);
    assertThat(image(GrafanaModel.deployment(cp))).isEqualTo(AddonImages.GRAFANA);
    assertThat(image(KialiModel.deployment(cp))).isEqualTo(AddonImages.KIALI);
    assertThat(image(JaegerModel.deployment(cp))).isEqualTo(AddonImages.JAEGER);
    assertThat(
            Stream.of(
                AddonImages.PROMETHEUS, AddonImages.GRAFANA, AddonImages.KIALI, AddonImages.JAEGER))
        .allMatch(i -> i.matches(".+:v?[0-9]+\\.[0-9]+(\\.[0-9]+)?"));
  }

  private static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void servicesAreNamedAsUsersExpect() {
    ControlPlane cp = demo();
    assertThat(serviceUrl(PrometheusModel.service(cp))).isEqualTo("http://prometheus.mesh-ns:9090");
    assertThat(serviceUrl(GrafanaModel.service(cp))).isEqualTo("http://grafana.mesh-ns:3000");
    assertThat(serviceUrl(KialiModel.service(cp))).isEqualTo("http://kiali.mesh-ns:20001");
    Service tracing = JaegerModel.tracingService(cp);
    assertThat(tracing.getMetadata().getName()).isEqualTo("tracing");
    assertThat(tracing.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
    assertThat(tracing.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(16686);
    Service collector = JaegerModel.collectorService(cp);
    assertThat(collector.getMetadata().getName()).isEqualTo("jaeger-collector");
    assertThat(collector.getSpec().getPorts())
        .extracting(p -> p.getPort())
        .containsExactly(4317, 4318, 9411);
  }

  @Test
  void kialiNamesTheRealServiceUrlsOfTheOtherAddonsAndIstiod() throws Exception {
    ControlPlane cp = demo();
    JsonNode kiali = YAML.readTree(KialiModel.config(cp));
    JsonNode ext = kiali.path("external_services");
    assertThat(ext.at("/prometheus/url").asText())
        .isEqualTo(serviceUrl(PrometheusModel.service(cp)));
    assertThat(ext.at("/grafana/internal_url").asText())
        .isEqualTo(serviceUrl(GrafanaModel.service(cp)));
    assertThat(ext.at("/grafana/enabled").asBoolean()).isTrue();
    assertThat(ext.at("/tracing/internal_url").asText())
        .isEqualTo(serviceUrl(JaegerModel.tracingService(cp)) + JaegerModel.BASE_PATH);
    assertThat(ext.at("/tracing/enabled").asBoolean()).isTrue();
    // istiod: its real Service, on the port the Service names http-monitoring.
    Service istiod = IstiodModel.service(cp);
    int monitoring =
        istiod.getSpec().getPorts().stream()
            .filter(p -> "http-monitoring".equals(p.getName()))
            .findFirst()
            .orElseThrow()
            .getPort();
    assertThat(ext.at("/istio/url_service_version").asText())
        .isEqualTo(
            "http://" + istiod.getMetadata().getName() + ".mesh-ns:" + monitoring + "/version");
    assertThat(ext.at("/istio/config_map_name").asText())
        .isEqualTo(IstiodModel.meshConfigMap(cp).getMetadata().getName());
    assertThat(kiali.at("/deployment/view_only_mode").asBoolean()).isTrue();
    assertThat(kiali.at("/server/port").asInt())
        .isEqualTo(KialiModel.service(cp).getSpec().getPorts().get(0).getPort());
    // A canary in another namespace names its own addons and istiod.
    ControlPlane canary = cp("other", "canary", a -> {});
    JsonNode c = YAML.readTree(KialiModel.config(canary));
    assertThat(c.at("/external_services/prometheus/url").asText())
        .isEqualTo("http://prometheus-canary.other:9090");
    assertThat(c.at("/external_services/istio/url_service_version").asText())
        .isEqualTo("http://istiod-canary.other:15014/version");
  }

  @Test
  void kialiAndGrafanaOnlyUseTheAddonsThatRun() throws Exception {
    ControlPlane cp =
        cp(
            "mesh-ns",
            "default",
            a -> {
              a.grafana = off();
              a.jaeger = new AddonsSpec.JaegerAddon();
              a.jaeger.enabled = false;
            });
    JsonNode kiali = YAML.readTree(KialiModel.config(cp));
    assertThat(kiali.at("/external_services/grafana/enabled").asBoolean()).isFalse();
    assertThat(kiali.at("/external_services/tracing/enabled").asBoolean()).isFalse();
    assertThat(GrafanaModel.datasources(demo())).contains("type: jaeger");
    assertThat(GrafanaModel.datasources(cp)).doesNotContain("jaeger");
  }

  @Test
  void grafanaHasPrometheusAndJaegerDatasourcesAndThreeDashboards() throws Exception {
    ControlPlane cp = demo();
    JsonNode ds = YAML.readTree(GrafanaModel.datasources(cp)).path("datasources");
    assertThat(ds.get(0).path("url").asText()).isEqualTo(serviceUrl(PrometheusModel.service(cp)));
    assertThat(ds.get(0).path("isDefault").asBoolean()).isTrue();
    assertThat(ds.get(1).path("url").asText())
        .isEqualTo(serviceUrl(JaegerModel.tracingService(cp)) + "/jaeger");
    var dashboards = GrafanaModel.dashboards(cp).getData();
    assertThat(dashboards.keySet())
        .containsExactlyInAnyOrder(
            GrafanaDashboards.MESH, GrafanaDashboards.WORKLOAD, GrafanaDashboards.CONTROL_PLANE);
    ObjectMapper json = new ObjectMapper();
    for (var e : dashboards.entrySet()) {
      JsonNode d = json.readTree(e.getValue());
      assertThat(d.path("panels").size()).as(e.getKey()).isGreaterThanOrEqualTo(4);
      d.path("panels")
          .forEach(
              p -> {
                assertThat(p.at("/datasource/uid").asText()).isEqualTo("prometheus");
                assertThat(p.path("targets").get(0).path("expr").asText()).isNotBlank();
              });
    }
    assertThat(dashboards.get(GrafanaDashboards.CONTROL_PLANE)).contains("job=\\\"istiod\\\"");
    int total = dashboards.values().stream().mapToInt(String::length).sum();
    assertThat(total).isLessThan(100_000);
  }

  @Test
  void jaegerKeepsAtMostMaxTracesAndPrometheusHonoursRetention() throws Exception {
    ControlPlane cp =
        cp(
            "mesh-ns",
            "default",
            a -> {
              a.jaeger = new AddonsSpec.JaegerAddon();
              a.jaeger.maxTraces = 1234;
              a.prometheus = new AddonsSpec.PrometheusAddon();
              a.prometheus.retention = "2d";
              a.prometheus.storageSize = "2Gi";
            });
    assertThat(
            YAML.readTree(JaegerModel.config(cp))
                .at("/extensions/jaeger_storage/backends/memstore/memory/max_traces")
                .asInt())
        .isEqualTo(1234);
    var prom = PrometheusModel.deployment(cp).getSpec().getTemplate().getSpec();
    assertThat(prom.getContainers().get(0).getArgs())
        .contains("--storage.tsdb.retention.time=2d", "--storage.tsdb.retention.size=1717986918B");
    assertThat(prom.getVolumes().get(1).getEmptyDir().getSizeLimit().toString()).isEqualTo("2Gi");
  }

  @Test
  void aConfigChangeRollsThePod() {
    String before = hash(PrometheusModel.deployment(demo()));
    var changed =
        cp(
            "mesh-ns",
            "default",
            a -> {
              a.prometheus = new AddonsSpec.PrometheusAddon();
              a.prometheus.retention = "1d";
            });
    // Retention is a flag, not config: same hash. Namespace changes the config: new hash.
    assertThat(hash(PrometheusModel.deployment(changed))).isEqualTo(before);
    assertThat(hash(PrometheusModel.deployment(cp("elsewhere", "default", a -> {}))))
        .isNotEqualTo(before);
    // Kiali's config follows Grafana being on or off.
    assertThat(hash(KialiModel.deployment(cp("mesh-ns", "default", a -> a.grafana = off()))))
        .isNotEqualTo(hash(KialiModel.deployment(demo())));
  }

  private static String hash(Deployment d) {
    return d.getSpec().getTemplate().getMetadata().getAnnotations().get(AddonObjects.CONFIG_HASH);
  }

  /** Every object of every addon, by addon. */
  static Map<String, List<HasMetadata>> objects(ControlPlane cp) {
    return Map.of(
        "prometheus",
        List.of(
            PrometheusModel.serviceAccount(cp),
            PrometheusModel.clusterRole(cp),
            PrometheusModel.clusterRoleBinding(cp),
            PrometheusModel.configMap(cp),
            PrometheusModel.deployment(cp),
            PrometheusModel.service(cp)),
        "grafana",
        List.of(
            GrafanaModel.serviceAccount(cp),
            GrafanaModel.configMap(cp),
            GrafanaModel.dashboards(cp),
            GrafanaModel.deployment(cp),
            GrafanaModel.service(cp)),
        "kiali",
        List.of(
            KialiModel.serviceAccount(cp),
            KialiModel.clusterRole(cp),
            KialiModel.clusterRoleBinding(cp),
            KialiModel.configMap(cp),
            KialiModel.deployment(cp),
            KialiModel.service(cp)),
        "jaeger",
        List.of(
            JaegerModel.serviceAccount(cp),
            JaegerModel.configMap(cp),
            JaegerModel.deployment(cp),
            JaegerModel.tracingService(cp),
            JaegerModel.collectorService(cp)));
  }

  @Test
  void everyAddonObjectCarriesItsAddonLabelAndPodsAreOutsideTheMesh() {
    ControlPlane cp = demo();
    objects(cp)
        .forEach(
            (addon, list) ->
                list.forEach(
                    o -> {
                      assertThat(o.getMetadata().getLabels())
                          .as(o.getKind() + " " + o.getMetadata().getName())
                          .containsEntry(MeshLabels.ADDON, addon)
                          .containsEntry(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE);
                      boolean clusterScoped = o.getKind().startsWith("Cluster");
                      assertThat(o.getMetadata().getNamespace())
                          .isEqualTo(clusterScoped ? null : "mesh-ns");
                      if (o instanceof Deployment d) {
                        var pod = d.getSpec().getTemplate().getMetadata().getLabels();
                        assertThat(pod)
                            .containsEntry(MeshLabels.ADDON, addon)
                            .containsEntry("app", addon)
                            .containsEntry("sidecar.istio.io/inject", "false")
                            .doesNotContainKey(MeshLabels.ISTIO_REV);
                        assertThat(pod)
                            .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
                      }
                    }));
    // Cluster-scoped names carry the namespace; the canary's carry the revision too.
    assertThat(PrometheusModel.clusterRole(cp).getMetadata().getName())
        .isEqualTo("prometheus-mesh-ns");
    assertThat(KialiModel.clusterRoleBinding(cp("x", "canary", a -> {})).getMetadata().getName())
        .isEqualTo("kiali-canary-x");
  }

  @Test
  void grafanaAndJaegerGetNoApiToken() {
    ControlPlane cp = demo();
    assertThat(GrafanaModel.serviceAccount(cp).getAutomountServiceAccountToken()).isFalse();
    assertThat(JaegerModel.serviceAccount(cp).getAutomountServiceAccountToken()).isFalse();
    assertThat(
            GrafanaModel.deployment(cp)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .isFalse();
    assertThat(PrometheusModel.serviceAccount(cp).getAutomountServiceAccountToken()).isTrue();
  }
}
