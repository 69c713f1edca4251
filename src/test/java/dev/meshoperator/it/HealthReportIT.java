package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The health report in the MeshControlPlane's status, on the local cluster with kwok's pods: pods
 * created before their namespace was labelled show up as without a sidecar, and disappear from the
 * report after {@code kubectl rollout restart} (their replacements are injected); once the report
 * is stable the status is no longer written.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class HealthReportIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** Sorts first, so its pods are among the report's (alphabetical, bounded) examples. */
  private static final String NS = "a-health-report";

  private final KubernetesClient admin = LocalCluster.get().admin();

  private HealthStatus health() {
    var mcp = admin.resources(MeshControlPlane.class).withName("default").get();
    return mcp.getStatus() == null ? null : mcp.getStatus().getHealth();
  }

  private StatusCondition condition() {
    return admin
        .resources(MeshControlPlane.class)
        .withName("default")
        .get()
        .getStatus()
        .condition(MeshControlPlaneStatus.SIDECARS_UP_TO_DATE)
        .orElseThrow();
  }

  private List<String> ours(HealthStatus.Group g) {
    return g == null || g.examples == null
        ? List.of()
        : g.examples.stream().filter(n -> n.startsWith(NS + "/")).toList();
  }

  @Test
  void podsCreatedBeforeTheLabelShowUpAndGoAfterARolloutRestart() {
    WebhookEndpoint.ensureDefaultControlPlane(admin);
    WebhookEndpoint.namespace(admin, NS, Map.of());
    admin
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("ratings")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .withMatchLabels(Map.of("app", "ratings"))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of("app", "ratings"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("ratings")
                .withImage("docker.io/istio/examples-bookinfo-ratings-v1:1.20.2")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .serverSideApply();
    // Not labelled yet: the pods come up without a sidecar, and the report does not count them.
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        admin.pods().inNamespace(NS).withLabel("app", "ratings").list().getItems())
                    .hasSize(2)
                    .allSatisfy(
                        p ->
                            assertThat(p.getMetadata().getAnnotations())
                                .doesNotContainKey("sidecar.istio.io/status")));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(health()).isNotNull();
              assertThat(ours(health().withoutSidecar)).isEmpty();
            });

    // kubectl label namespace ... istio-injection=enabled
    WebhookEndpoint.namespace(admin, NS, Map.of("istio-injection", "enabled"));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              HealthStatus h = health();
              assertThat(h.namespaces.examples).contains(NS);
              assertThat(ours(h.withoutSidecar)).hasSize(2);
              assertThat(h.withoutSidecar.count()).isGreaterThanOrEqualTo(2);
              StatusCondition c = condition();
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("PodsNeedRestart");
              assertThat(c.getMessage()).contains("without a sidecar (" + NS + "/ratings-");
            });

    // kubectl rollout restart deployment/ratings
    admin
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("ratings")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getMetadata()
                  .setAnnotations(
                      Map.of(
                          "kubectl.kubernetes.io/restartedAt", java.time.Instant.now().toString()));
              return d;
            });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var pods = admin.pods().inNamespace(NS).withLabel("app", "ratings").list().getItems();
              assertThat(pods)
                  .filteredOn(p -> p.getMetadata().getDeletionTimestamp() == null)
                  .hasSize(2)
                  .allSatisfy(
                      p ->
                          assertThat(p.getMetadata().getAnnotations())
                              .containsKey("sidecar.istio.io/status"));
              HealthStatus h = health();
              assertThat(ours(h.withoutSidecar)).isEmpty();
              assertThat(ours(h.otherRevision)).isEmpty();
              assertThat(ours(h.olderVersion)).isEmpty();
              assertThat(h.namespaces.examples).contains(NS);
              assertThat(h.upToDate).isGreaterThanOrEqualTo(2);
            });

    // Stable report, stable status: no write for several report intervals (1 s in tests) and
    // periodic reconciles (3 s).
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              String before =
                  admin
                      .resources(MeshControlPlane.class)
                      .withName("default")
                      .get()
                      .getMetadata()
                      .getResourceVersion();
              Thread.sleep(7000);
              return before.equals(
                  admin
                      .resources(MeshControlPlane.class)
                      .withName("default")
                      .get()
                      .getMetadata()
                      .getResourceVersion());
            });
  }
}
