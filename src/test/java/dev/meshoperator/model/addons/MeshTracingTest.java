package dev.meshoperator.model.addons;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.meshoperator.api.v1alpha1.AddonsSpec;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodModel;
import dev.meshoperator.model.TestResources;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The mesh config's tracing provider for the Jaeger addon, and the user's meshConfig winning. */
class MeshTracingTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static JsonNode mesh(
      Profile profile, Consumer<dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec> spec)
      throws Exception {
    var cp =
        ControlPlane.of(
            TestResources.mcp(
                "mesh-ns",
                "default",
                s -> {
                  s.setProfile(profile);
                  spec.accept(s);
                }));
    return YAML.readTree(IstiodModel.meshConfigMap(cp).getData().get("mesh"));
  }

  private static JsonNode provider(JsonNode mesh, String name) {
    for (JsonNode p : mesh.path("extensionProviders")) {
      if (name.equals(p.path("name").asText())) {
        return p;
      }
    }
    return null;
  }

  @Test
  void jaegerOnGivesAnOtlpProviderToItsCollectorAsTheDefault() throws Exception {
    JsonNode mesh = mesh(Profile.DEMO, s -> {});
    JsonNode jaeger = provider(mesh, "jaeger");
    assertThat(jaeger).isNotNull();
    assertThat(jaeger.at("/opentelemetry/service").asText())
        .isEqualTo("jaeger-collector.mesh-ns.svc.cluster.local");
    // The host is the collector Service the addon really creates, for other revisions too.
    var canary =
        ControlPlane.of(TestResources.mcp("ns2", "canary", s -> s.setProfile(Profile.DEMO)));
    JsonNode canaryMesh = YAML.readTree(IstiodModel.meshConfigMap(canary).getData().get("mesh"));
    assertThat(provider(canaryMesh, "jaeger").at("/opentelemetry/service").asText())
        .isEqualTo(JaegerModel.collectorHost(canary))
        .startsWith(JaegerModel.collectorService(canary).getMetadata().getName() + ".ns2.svc");
    assertThat(jaeger.at("/opentelemetry/port").asInt()).isEqualTo(4317);
    assertThat(mesh.at("/defaultProviders/tracing").get(0).asText()).isEqualTo("jaeger");
    // The demo profile's other providers stay.
    assertThat(provider(mesh, "otel")).isNotNull();
    // 100% sampling in the demo: istiod's PILOT_TRACE_SAMPLING.
    var cp =
        ControlPlane.of(TestResources.mcp("mesh-ns", "default", s -> s.setProfile(Profile.DEMO)));
    assertThat(
            IstiodModel.deployment(cp)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .anyMatch(e -> e.getName().equals("PILOT_TRACE_SAMPLING") && e.getValue().equals("100"));
  }

  @Test
  void jaegerOffOrAnotherProfileAddsNoProvider() throws Exception {
    JsonNode off =
        mesh(
            Profile.DEMO,
            s -> {
              s.addons = new AddonsSpec();
              s.addons.jaeger = new AddonsSpec.JaegerAddon();
              s.addons.jaeger.enabled = false;
            });
    assertThat(provider(off, "jaeger")).isNull();
    // Only Istio's own default (metrics: prometheus), no tracing provider.
    assertThat(off.at("/defaultProviders/tracing").isMissingNode()).isTrue();
    assertThat(off.at("/defaultProviders/metrics/0").asText()).isEqualTo("prometheus");
    assertThat(mesh(Profile.DEFAULT, s -> {}).has("extensionProviders")).isFalse();
  }

  @Test
  void theUsersMeshConfigWins() throws Exception {
    JsonNode own =
        mesh(
            Profile.DEMO,
            s ->
                s.meshConfig =
                    Map.of(
                        "extensionProviders",
                        List.of(
                            Map.of(
                                "name",
                                "jaeger",
                                "zipkin",
                                Map.of("service", "zipkin.tracing.svc", "port", 9411))),
                        "defaultProviders",
                        Map.of("tracing", List.of(), "metrics", List.of("prometheus"))));
    assertThat(own.path("extensionProviders")).hasSize(1);
    assertThat(provider(own, "jaeger").at("/zipkin/service").asText())
        .isEqualTo("zipkin.tracing.svc");
    assertThat(own.at("/defaultProviders/tracing")).isEmpty();
    assertThat(own.at("/defaultProviders/metrics").get(0).asText()).isEqualTo("prometheus");
    // The user's own list without a "jaeger" stands as written, and no default tracing provider
    // names a provider that is not there.
    JsonNode added =
        mesh(
            Profile.DEMO,
            s ->
                s.meshConfig =
                    Map.of(
                        "extensionProviders",
                        List.of(
                            Map.of(
                                "name",
                                "mine",
                                "opentelemetry",
                                Map.of("service", "otel.obs.svc", "port", 4317)))));
    assertThat(added.path("extensionProviders")).hasSize(1);
    assertThat(provider(added, "mine")).isNotNull();
    assertThat(added.at("/defaultProviders/tracing").isMissingNode()).isTrue();
  }
}
