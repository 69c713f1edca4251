package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalClusterExtension;
import dev.meshoperator.testing.LocalControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The local control plane is a real cluster: RBAC, controllers, scheduling, simulated nodes. */
@ExtendWith(LocalClusterExtension.class)
class LocalControlPlaneIT {

  @Test
  void apiserverReportsTheVersionItWasBuiltAs(LocalCluster cluster) throws Exception {
    String expected =
        Files.readAllLines(Path.of("hack/versions.env")).stream()
            .filter(l -> l.startsWith("K8S_VERSION="))
            .map(l -> l.replaceAll(".*:-(v[0-9.]+)}.*", "$1"))
            .findFirst()
            .orElseThrow();
    String version = cluster.controlPlane().serverVersion();
    System.out.println("[local-k8s] kube-apiserver version " + version);
    if (System.getenv("KUBEBUILDER_ASSETS") == null && System.getenv("K8S_VERSION") == null) {
      assertThat(version).isEqualTo(expected);
    }
  }

  @Test
  void deploymentBecomesReadyOnTheSimulatedNode(LocalCluster cluster) {
    var admin = cluster.admin();
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("lcp-smoke").endMetadata().build())
        .serverSideApply();
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("lcp-smoke")
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .withNewSelector()
            .withMatchLabels(Map.of("app", "web"))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of("app", "web"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("registry.example/web:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    admin.resource(d).serverSideApply();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .apps()
                            .deployments()
                            .inNamespace("lcp-smoke")
                            .withName("web")
                            .get()
                            .getStatus()
                            .getReadyReplicas())
                    .isEqualTo(2));
    List<Pod> pods =
        admin.pods().inNamespace("lcp-smoke").withLabel("app", "web").list().getItems();
    assertThat(pods).hasSize(2);
    assertThat(pods)
        .allSatisfy(
            p -> {
              assertThat(p.getSpec().getNodeName()).isEqualTo(LocalControlPlane.NODE_NAME);
              assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            });
  }

  @Test
  void theOperatorServiceAccountIsBoundByRbac(LocalCluster cluster) {
    // It may read its own (cluster-scoped) CRs...
    assertThat(
            cluster
                .operator()
                .resources(dev.meshoperator.api.v1alpha1.MeshControlPlane.class)
                .list()
                .getItems())
        .isNotNull();
    // ...but it is not cluster-admin: kube-system's Secrets are not its business.
    assertThatThrownBy(() -> cluster.operator().secrets().inNamespace("kube-system").list())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }
}
