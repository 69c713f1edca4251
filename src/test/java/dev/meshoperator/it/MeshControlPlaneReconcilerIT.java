package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The operator, running in-process as its own ServiceAccount with the generated RBAC, reconciles a
 * MeshControlPlane on the real apiserver with server-side apply.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class MeshControlPlaneReconcilerIT {

  private static final String NS = "reconcile-ssa";

  @Test
  void createsIstiodServiceAccountWithServerSideApplyAndReportsReconciled() {
    KubernetesClient admin = LocalCluster.get().admin();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    var mcp = new MeshControlPlane();
    // Other tests in this run own the default revision; the name is the revision.
    mcp.setMetadata(new ObjectMetaBuilder().withName("ssa").build());
    mcp.setSpec(new dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec());
    mcp.getSpec().setProfile(dev.meshoperator.api.v1alpha1.Profile.MINIMAL);
    mcp.getSpec().setNamespace(NS);
    admin.resource(mcp).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              ServiceAccount sa =
                  admin.serviceAccounts().inNamespace(NS).withName("istiod-ssa").get();
              assertThat(sa).isNotNull();
              assertThat(sa.getMetadata().getLabels())
                  .containsEntry("app.kubernetes.io/managed-by", "istio-operator");
              assertThat(sa.getMetadata().getOwnerReferences())
                  .singleElement()
                  .satisfies(o -> assertThat(o.getKind()).isEqualTo("MeshControlPlane"));
              // Server-side apply leaves an "Apply" entry in managedFields.
              assertThat(sa.getMetadata().getManagedFields())
                  .anySatisfy(f -> assertThat(f.getOperation()).isEqualTo("Apply"));
            });

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              var cr = admin.resources(MeshControlPlane.class).withName("ssa").get();
              assertThat(cr.getStatus()).isNotNull();
              assertThat(cr.getStatus().getObservedGeneration())
                  .isEqualTo(cr.getMetadata().getGeneration());
              assertThat(cr.getStatus().condition(MeshControlPlaneStatus.RECONCILED))
                  .get()
                  .satisfies(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo(StatusCondition.TRUE);
                        assertThat(c.getLastTransitionTime()).isNotBlank();
                      });
              assertThat(cr.getStatus().getRevision()).isEqualTo("ssa");
            });

    // Drift: a deleted managed object comes back.
    admin.serviceAccounts().inNamespace(NS).withName("istiod-ssa").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(admin.serviceAccounts().inNamespace(NS).withName("istiod-ssa").get())
                    .isNotNull()
                    .satisfies(sa -> assertThat(sa.getMetadata().getDeletionTimestamp()).isNull()));
  }
}
