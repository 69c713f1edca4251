package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.ClusterSetup;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * One MeshControlPlane the operator cannot read must not stop it: a stored object whose
 * istiod.replicas does not fit an int32 (stored while the schema had no bound: the test loosens the
 * CRD for a moment, as an older CRD version would have) is refused on that CR alone, with a bounded
 * condition naming the field, while a healthy control plane beside it reconciles and the operator
 * stays ready.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class UnreadableControlPlaneIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private final KubernetesClient admin = LocalCluster.get().admin();

  @Test
  void anUnreadableControlPlaneIsRefusedAloneAndTheOperatorStaysReady() throws Exception {
    storeWithoutValidation(
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: unreadable}
        spec: {profile: minimal, namespace: unreadable, istiod: {replicas: 2147483648}}
        """);
    admin
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: meshoperator.dev/v1alpha1
                kind: MeshControlPlane
                metadata: {name: beside}
                spec: {profile: minimal, namespace: beside}
                """,
                GenericKubernetesResource.class))
        .serverSideApply();
    try {
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                var bad = admin.resources(MeshControlPlane.class).withName("unreadable").get();
                assertThat(bad.getStatus()).isNotNull();
                var reconciled = bad.getStatus().condition(MeshControlPlaneStatus.RECONCILED);
                assertThat(reconciled).isPresent();
                assertThat(reconciled.get().getStatus()).isEqualTo(StatusCondition.FALSE);
                assertThat(reconciled.get().getReason()).isEqualTo("InvalidSpec");
                assertThat(reconciled.get().getMessage())
                    .contains("spec.istiod.replicas")
                    .doesNotContain("\n")
                    .hasSizeLessThan(400);
              });
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                var good = admin.resources(MeshControlPlane.class).withName("beside").get();
                assertThat(good.getStatus()).isNotNull();
                assertThat(good.getStatus().condition(MeshControlPlaneStatus.READY))
                    .get()
                    .extracting(StatusCondition::getStatus)
                    .isEqualTo(StatusCondition.TRUE);
              });
      // Nothing was installed for the unreadable one.
      assertThat(admin.apps().deployments().inNamespace("unreadable").list().getItems()).isEmpty();
      assertThat(health("/q/health/ready")).isEqualTo(200);
      assertThat(health("/q/health/live")).isEqualTo(200);
    } finally {
      admin.resources(MeshControlPlane.class).withName("unreadable").delete();
      admin.resources(MeshControlPlane.class).withName("beside").delete();
    }
  }

  /** Stores {@code yaml} with the replicas bound lifted for the moment, then restores the CRD. */
  private void storeWithoutValidation(String yaml) {
    var crds = admin.apiextensions().v1().customResourceDefinitions();
    var crd = crds.withName("meshcontrolplanes.meshoperator.dev").get();
    JSONSchemaProps replicas =
        crd.getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec")
            .getProperties()
            .get("istiod")
            .getProperties()
            .get("replicas");
    replicas.setMaximum(null);
    replicas.setFormat(null);
    crd.getMetadata().setManagedFields(null);
    crd.getMetadata().setResourceVersion(null);
    crd.setStatus(null);
    try {
      admin.resource(crd).forceConflicts().serverSideApply();
      await()
          .atMost(TIMEOUT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                admin
                    .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
                    .serverSideApply();
              });
    } finally {
      ClusterSetup.installCrds(admin);
    }
  }

  private static int health(String path) throws Exception {
    int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
