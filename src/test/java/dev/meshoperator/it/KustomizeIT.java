package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.model.OperatorRbac;
import dev.meshoperator.packaging.OperatorInstall;
import dev.meshoperator.testing.Kustomize;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalClusterExtension;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kustomize tree as users apply it: every overlay renders with the real kubectl, the rendered
 * base is accepted by the real apiserver (server-side dry run of every object, so schema and
 * admission validation run), and each overlay changes what it says it changes.
 */
@ExtendWith(LocalClusterExtension.class)
class KustomizeIT {

  @Test
  void everyOverlayRenders() throws IOException {
    List<String> overlays;
    try (Stream<Path> dirs = Files.list(ProjectDir.get().resolve("kustomize/overlays"))) {
      overlays = dirs.map(d -> "overlays/" + d.getFileName()).sorted().toList();
    }
    assertThat(overlays)
        .containsExactly("overlays/cert-manager", "overlays/default", "overlays/monitoring");
    for (String overlay : overlays) {
      assertThat(Kustomize.render(overlay)).as(overlay).isNotEmpty();
    }
  }

  @Test
  void theBaseIsAcceptedByTheApiserver(LocalCluster cluster) {
    KubernetesClient admin = cluster.admin();
    List<HasMetadata> base = render(admin, "base");
    assertThat(kinds(base))
        .containsEntry("Namespace", 1L)
        .containsEntry("CustomResourceDefinition", 1L)
        .containsEntry("ServiceAccount", 1L)
        .containsEntry("Deployment", 1L)
        .containsEntry("Service", 2L)
        .containsEntry("PodDisruptionBudget", 1L)
        .containsEntry("NetworkPolicy", 1L);
    for (HasMetadata o : base) {
      // Server-side apply with dryRun=All: validated and admitted, never stored.
      admin
          .resource(o)
          .patch(
              new PatchContext.Builder()
                  .withPatchType(PatchType.SERVER_SIDE_APPLY)
                  .withFieldManager("kustomize-it")
                  .withForce(true)
                  .withDryRun(List.of("All"))
                  .build());
    }
    Deployment d = deployment(base);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(OperatorRbac.NAME);
  }

  @Test
  void theCertManagerOverlaySwitchesToExternalCertificates(LocalCluster cluster) {
    List<HasMetadata> objects = render(cluster.admin(), "overlays/cert-manager");
    assertThat(kinds(objects)).containsEntry("Certificate", 2L).containsEntry("Issuer", 2L);
    Container c = deployment(objects).getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env =
        c.getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsEntry("MESH_OPERATOR_CERTIFICATES_SOURCE", "external")
        .containsEntry(
            "MESH_OPERATOR_CERTIFICATES_CERT_MANAGER_CERTIFICATE",
            "istio-operator/istio-operator-webhook");
    String dir = env.get("MESH_OPERATOR_WEBHOOK_TLS_DIRECTORY");
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo(dir));
    // The base's env is kept (strategic merge by name), not replaced.
    assertThat(c.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("POD_NAME"));
    HasMetadata serving =
        objects.stream()
            .filter(
                o ->
                    o.getKind().equals("Certificate")
                        && o.getMetadata().getName().equals("istio-operator-webhook"))
            .findFirst()
            .orElseThrow();
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asYaml(serving))
        .contains(OperatorInstall.WEBHOOK_SERVICE + ".istio-operator.svc");
  }

  @Test
  void theMonitoringOverlayAddsAServiceMonitorForTheMetricsService(LocalCluster cluster) {
    List<HasMetadata> objects = render(cluster.admin(), "overlays/monitoring");
    assertThat(kinds(objects)).containsEntry("ServiceMonitor", 1L);
  }

  private static List<HasMetadata> render(KubernetesClient client, String dir) {
    return client.load(new ByteArrayInputStream(Kustomize.render(dir))).items();
  }

  private static Map<String, Long> kinds(List<HasMetadata> objects) {
    return objects.stream()
        .collect(Collectors.groupingBy(HasMetadata::getKind, Collectors.counting()));
  }

  private static Deployment deployment(List<HasMetadata> objects) {
    return objects.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow();
  }
}
