package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.model.IstioCrds;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * spec.purgeIstioCrdsOnDelete deletes Istio's CRDs (and every Istio config object with them) only
 * once no other control plane remains: deleting a purging control plane while the default one runs
 * keeps them, and says so in a warning Event. (The deletion itself is not exercised here: the other
 * test classes share this cluster and keep control planes in it.)
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class PurgeIstioCrdsIT {

  private final KubernetesClient admin = LocalCluster.get().admin();

  @Test
  void crdsStayWhileAnotherControlPlaneRemains() {
    WebhookEndpoint.ensureDefaultControlPlane(admin);
    admin
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: meshoperator.dev/v1alpha1
                kind: MeshControlPlane
                metadata: {name: purger}
                spec: {profile: minimal, namespace: purger, purgeIstioCrdsOnDelete: true}
                """,
                GenericKubernetesResource.class))
        .serverSideApply();
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .resources(MeshControlPlane.class)
                            .withName("purger")
                            .get()
                            .getStatus()
                            .condition(MeshControlPlaneStatus.RECONCILED)
                            .orElseThrow()
                            .getStatus())
                    .isEqualTo("True"));
    admin.resources(MeshControlPlane.class).withName("purger").delete();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(admin.resources(MeshControlPlane.class).withName("purger").get())
                    .isNull());
    for (String crd : IstioCrds.names()) {
      assertThat(admin.apiextensions().v1().customResourceDefinitions().withName(crd).get())
          .as(crd)
          .isNotNull()
          .satisfies(c -> assertThat(c.getMetadata().getDeletionTimestamp()).isNull());
    }
    assertThat(admin.v1().events().inNamespace("default").list().getItems())
        .anySatisfy(
            e -> {
              assertThat(e.getInvolvedObject().getName()).isEqualTo("purger");
              assertThat(e.getReason()).isEqualTo("IstioCrdsKept");
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage()).contains("default");
            });
  }
}
