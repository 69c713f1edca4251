package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spec.meshConfig is Istio's MeshConfig, free-form: scalars, nested objects, lists, proxyMetadata
 * and extension providers survive the apiserver (no pruning) and reach istiod's ConfigMap
 * unchanged; a known field of the wrong type is refused with a condition naming it.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class MeshConfigRoundTripIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final KubernetesClient admin = LocalCluster.get().admin();

  private static final String MESH_CONFIG =
      """
      accessLogFile: /dev/stdout
      accessLogEncoding: JSON
      enableTracing: true
      outboundTrafficPolicy: {mode: REGISTRY_ONLY}
      connectTimeout: 7s
      trustDomainAliases: [old.example.org, older.example.org]
      defaultConfig:
        concurrency: 2
        holdApplicationUntilProxyStarts: true
        proxyMetadata: {ISTIO_META_DNS_CAPTURE: "true", ISTIO_META_DNS_AUTO_ALLOCATE: "true"}
        tracing: {sampling: 12.5}
      extensionProviders:
      - name: otel
        opentelemetry: {service: otel-collector.observability.svc.cluster.local, port: 4317}
      - name: authz
        envoyExtAuthzHttp:
          service: authz.auth.svc.cluster.local
          port: 8000
          includeRequestHeadersInCheck: [authorization, cookie]
      defaultProviders: {tracing: [otel]}
      """;

  @Test
  void everyValueReachesTheStoredCrAndIstiodsConfigMapUnchanged() throws Exception {
    JsonNode wanted = YAML.readTree(MESH_CONFIG);
    var cr =
        Serialization.unmarshal(
            """
            apiVersion: meshoperator.dev/v1alpha1
            kind: MeshControlPlane
            metadata: {name: meshcfg}
            spec: {profile: minimal, namespace: meshcfg}
            """,
            GenericKubernetesResource.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) cr.getAdditionalProperties().get("spec");
    spec.put("meshConfig", YAML.convertValue(wanted, Map.class));
    admin.resource(cr).serverSideApply();
    try {
      var stored =
          admin
              .genericKubernetesResources("meshoperator.dev/v1alpha1", "MeshControlPlane")
              .withName("meshcfg")
              .get();
      JsonNode storedMesh =
          YAML.valueToTree(stored.getAdditionalProperties().get("spec")).path("meshConfig");
      assertThat(storedMesh).isEqualTo(wanted);

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                var cm = admin.configMaps().inNamespace("meshcfg").withName("istio-meshcfg").get();
                assertThat(cm).isNotNull();
                JsonNode mesh = YAML.readTree(cm.getData().get("mesh"));
                assertContains(mesh, wanted, "meshConfig");
              });
    } finally {
      admin.resources(MeshControlPlane.class).withName("meshcfg").delete();
    }
  }

  @Test
  void aKnownFieldOfTheWrongTypeIsRefusedNamingIt() {
    admin
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: meshoperator.dev/v1alpha1
                kind: MeshControlPlane
                metadata: {name: meshcfg-bad}
                spec:
                  profile: minimal
                  namespace: meshcfg-bad
                  meshConfig: {enableTracing: "yes please"}
                """,
                GenericKubernetesResource.class))
        .serverSideApply();
    try {
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                var mcp = admin.resources(MeshControlPlane.class).withName("meshcfg-bad").get();
                assertThat(mcp.getStatus()).isNotNull();
                var c = mcp.getStatus().condition(MeshControlPlaneStatus.RECONCILED).orElseThrow();
                assertThat(c.getStatus()).isEqualTo(StatusCondition.FALSE);
                assertThat(c.getReason()).isEqualTo("InvalidMeshConfig");
                assertThat(c.getMessage()).contains("enableTracing");
              });
      assertThat(admin.apps().deployments().inNamespace("meshcfg-bad").list().getItems()).isEmpty();
    } finally {
      admin.resources(MeshControlPlane.class).withName("meshcfg-bad").delete();
    }
  }

  /** Every value of {@code wanted} is in {@code actual} at the same place, unchanged. */
  private static void assertContains(JsonNode actual, JsonNode wanted, String path) {
    if (wanted.isObject()) {
      assertThat(actual.isObject()).as(path + " is an object in " + actual).isTrue();
      for (Iterator<String> it = wanted.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        assertThat(actual.has(f)).as(path + "." + f + " present").isTrue();
        assertContains(actual.get(f), wanted.get(f), path + "." + f);
      }
    } else {
      // Lists and scalars are replaced whole by the user's value, so they must be equal.
      assertThat(actual).as(path).isEqualTo(wanted);
    }
  }
}
