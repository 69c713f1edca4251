package dev.meshoperator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import dev.meshoperator.webhook.MeshRegistry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Never fail open: an informer the webhook answers from stops and cannot come back (the operator
 * lost its RBAC on Nodes). Readiness goes DOWN, pods in an injection-enabled namespace are refused
 * (never admitted uninjected), and once the permission is back the informer is restarted by its
 * backoff, readiness is UP and pods are injected again.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class WebhookReadinessIT {

  private static final String NS = "readiness";
  private static final String ROLE = dev.meshoperator.model.OperatorRbac.NAME;
  private static final String READY =
      "http://127.0.0.1:"
          + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class)
          + "/q/health/ready";

  @Inject MeshRegistry registry;

  private final KubernetesClient admin = LocalCluster.get().admin();

  @Test
  void aStoppedInformerThatCannotRestartMakesTheWebhookUnreadyAndRefusePods() throws Exception {
    WebhookEndpoint.ensureDefaultControlPlane(admin);
    WebhookEndpoint.namespace(admin, NS, Map.of("istio-injection", "enabled"));
    await().atMost(WebhookEndpoint.TIMEOUT).until(() -> readyStatus() == 200);
    assertThat(AdmissionTraffic.injected(create("before"))).isTrue();

    String removedRule = revokeNodes();
    List<String> refusals = new ArrayList<>();
    try {
      registry.stopInformer(Node.class);
      await().atMost(Duration.ofSeconds(30)).until(() -> readyStatus() == 503);
      assertThat(given().get(READY).asString()).contains("Node").contains("not running");
      // Several attempts while it stays down: every one refused, none admitted uninjected.
      for (int i = 0; i < 5; i++) {
        try {
          var pod = create("during-" + i);
          assertThat(AdmissionTraffic.injected(pod))
              .as("a pod admitted while the webhook is not ready must at least be injected")
              .isTrue();
        } catch (KubernetesClientException e) {
          refusals.add(e.getMessage());
        }
        assertThat(readyStatus()).as("readiness while the informer cannot start").isEqualTo(503);
        Thread.sleep(500);
      }
    } finally {
      restoreNodes(removedRule);
    }
    assertThat(refusals).hasSize(5).allMatch(m -> m.contains("not ready"));
    // The informer's backoff brings it back without a restart of the operator.
    await().atMost(Duration.ofSeconds(90)).until(() -> readyStatus() == 200);
    assertThat(AdmissionTraffic.injected(create("after"))).isTrue();
  }

  private io.fabric8.kubernetes.api.model.Pod create(String name) {
    return admin
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("registry.example/app:1")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private static int readyStatus() {
    return given().get(READY).statusCode();
  }

  /**
   * Removes "nodes" from every rule of the operator's ClusterRole (its own rule and those it holds
   * to grant istiod); returns the original rules as JSON for {@link #restoreNodes}.
   */
  private String revokeNodes() {
    var role = admin.rbac().clusterRoles().withName(ROLE).get();
    String original = io.fabric8.kubernetes.client.utils.Serialization.asJson(role.getRules());
    List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> without = new java.util.ArrayList<>();
    for (var rule : role.getRules()) {
      var copy = new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder(rule).build();
      if (copy.getResources() != null && copy.getResources().contains("nodes")) {
        copy.setResources(copy.getResources().stream().filter(r -> !"nodes".equals(r)).toList());
        if (copy.getResources().isEmpty()) {
          continue;
        }
      }
      without.add(copy);
    }
    replaceRules(io.fabric8.kubernetes.client.utils.Serialization.asJson(without));
    return original;
  }

  private void restoreNodes(String originalRules) {
    replaceRules(originalRules);
  }

  private void replaceRules(String rulesJson) {
    admin
        .rbac()
        .clusterRoles()
        .withName(ROLE)
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/rules\",\"value\":" + rulesJson + "}]");
  }
}
