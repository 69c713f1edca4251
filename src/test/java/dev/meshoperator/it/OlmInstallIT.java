package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.packaging.BundleGenerator;
import dev.meshoperator.testing.AuditLog;
import dev.meshoperator.testing.LocalControlPlane;
import dev.meshoperator.testing.OlmOperator;
import dev.meshoperator.testing.OperatorProcess;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.operatorhub.v1.OperatorGroupBuilder;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.InstallMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The committed OLM bundle ({@code olm-bundle/}) installed by the real OLM olm-operator (v0.38.0,
 * {@link OlmOperator}), then the operator running with the identity OLM's objects give it.
 *
 * <p>The olm-operator alone does not create a CSV's ServiceAccount and RBAC (in a cluster the
 * catalog operator's InstallPlan does, from the bundle); it checks they exist. So the test makes
 * them <em>from the CSV's own {@code permissions}/{@code clusterPermissions}</em> ({@link
 * CsvRbac}), labeled {@code olm.managed: "true"} and created before the CSV, as an InstallPlan
 * would, and the operator then proves they are enough. The bundle's other manifests (Service,
 * PodDisruptionBudget, the static istiod ClusterRoles) are applied as they are.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OlmInstallIT {

  private static final String NS = "iop-olm";
  private static final String BROKEN_NS = "iop-olm-broken";
  private static final String SA = "istio-operator";
  private static final String MCP = "olm-demo";
  private static final String MESH_NS = "istio-olm";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalControlPlane cp;
  private static KubernetesClient admin;
  private static OlmOperator olm;

  /**
   * A control plane of its own, as LeaderElectionIT has: the shared one may have a Quarkus test's
   * operator still running in this JVM, which would reconcile the MeshControlPlane too. Here only
   * the RBAC made from the CSV exists, and only the operator OLM's objects identify.
   */
  @BeforeAll
  static void startOlm() {
    Optional<String> why = OlmOperator.unavailable();
    Assumptions.assumeTrue(
        why.isEmpty(), () -> "OLM install test skipped: no network namespace: " + why.orElse(""));
    cp = LocalControlPlane.start();
    admin = cp.adminClient();
    olm = OlmOperator.start(cp, admin);
  }

  @AfterAll
  static void stopOlm() {
    if (olm != null) {
      olm.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (cp != null) {
      cp.close();
    }
  }

  /**
   * The test's sensitivity, every run: the same CSV claiming only OwnNamespace, under an
   * AllNamespaces OperatorGroup, is refused by OLM.
   */
  @Test
  @Order(1)
  void unsupportedInstallModeFails() throws IOException {
    ClusterServiceVersion csv = bundleCsv();
    csv.getMetadata().setName(csv.getMetadata().getName() + "-ownnamespace");
    csv.getSpec()
        .setInstallModes(
            List.of(
                new InstallMode(true, "OwnNamespace"),
                new InstallMode(false, "SingleNamespace"),
                new InstallMode(false, "MultiNamespace"),
                new InstallMode(false, "AllNamespaces")));
    try {
      createNamespaceAndGroup(admin, BROKEN_NS);
      CsvRbac.create(admin, BROKEN_NS, csv);
      admin.resource(csv).inNamespace(BROKEN_NS).create();
      ClusterServiceVersion seen =
          awaitPhase(
              admin, BROKEN_NS, csv.getMetadata().getName(), "Failed", Duration.ofMinutes(2));
      assertThat(seen.getStatus().getReason()).isEqualTo("UnsupportedOperatorGroup");
      System.err.println(
          "[olm-it] "
              + "broken CSV: phase "
              + seen.getStatus().getPhase()
              + ", reason "
              + seen.getStatus().getReason()
              + ": "
              + seen.getStatus().getMessage());
    } finally {
      admin.namespaces().withName(BROKEN_NS).delete();
      CsvRbac.deleteClusterScoped(admin, BROKEN_NS);
    }
  }

  @Test
  @Order(2)
  void bundleInstalledByOlmRunsTheOperator() throws Exception {
    ClusterServiceVersion csv = bundleCsv();
    String csvName = csv.getMetadata().getName();
    createNamespaceAndGroup(admin, NS);
    // Before the CSV: the olm-operator only sees RBAC that exists (and is labeled) when it syncs.
    CsvRbac.create(admin, NS, csv);
    for (HasMetadata o : bundleExtras()) {
      admin.resource(o).inNamespace(NS).forceConflicts().serverSideApply();
    }
    Instant applied = Instant.now();
    admin.resource(csv).inNamespace(NS).create();
    ClusterServiceVersion seen = awaitPhase(admin, NS, csvName, "Succeeded", Duration.ofMinutes(3));
    System.err.println(
        "[olm-it] "
            + "CSV "
            + csvName
            + " Succeeded "
            + Duration.between(applied, Instant.now()).toMillis()
            + " ms after it was created; "
            + seen.getStatus().getMessage());

    // OLM made the Deployment from install.spec.deployments; kwok makes its pods Ready.
    String deploymentName = csv.getSpec().getInstall().getSpec().getDeployments().get(0).getName();
    LocalControlPlane.waitFor(
        "OLM's Deployment " + deploymentName + " ready",
        Duration.ofMinutes(2),
        () -> {
          Deployment d = admin.apps().deployments().inNamespace(NS).withName(deploymentName).get();
          return d != null
              && d.getStatus() != null
              && d.getStatus().getReadyReplicas() != null
              && d.getStatus().getReadyReplicas().equals(d.getSpec().getReplicas());
        });
    Deployment d = admin.apps().deployments().inNamespace(NS).withName(deploymentName).get();
    assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(SA);
    assertThat(d.getMetadata().getLabels()).containsEntry("olm.owner", csvName);

    // The operator process on this machine, as the ServiceAccount OLM's Deployment runs as.
    String user = "system:serviceaccount:" + NS + ":" + SA;
    Instant start = Instant.now();
    Path kubeconfig = cp.writeServiceAccountKubeconfig(NS, SA);
    int webhookPort = LocalControlPlane.freePort();
    try (OperatorProcess operator =
        OperatorProcess.start(
            "olm-installed-operator",
            kubeconfig,
            cp.workDir(),
            webhookPort,
            Map.of(
                "MESH_OPERATOR_NAMESPACE",
                NS,
                "MESH_OPERATOR_WEBHOOK_URL",
                "https://127.0.0.1:" + webhookPort + "/inject"))) {
      MeshControlPlane mcp = almExample(csv);
      mcp.getMetadata().setName(MCP);
      mcp.getSpec().namespace = MESH_NS;
      admin.resource(mcp).create();
      try {
        try {
          LocalControlPlane.waitFor(
              "MeshControlPlane " + MCP + " Ready",
              Duration.ofMinutes(4),
              () -> {
                if (!operator.isAlive()) {
                  throw new IllegalStateException("operator exited:\n" + tail(operator.log()));
                }
                var cr = admin.resources(MeshControlPlane.class).withName(MCP).get();
                return cr != null
                    && cr.getStatus() != null
                    && cr.getStatus()
                        .condition(MeshControlPlaneStatus.READY)
                        .map(c -> StatusCondition.TRUE.equals(c.getStatus()))
                        .orElse(false);
              });
        } catch (IllegalStateException e) {
          var cr = admin.resources(MeshControlPlane.class).withName(MCP).get();
          throw new AssertionError(
              e.getMessage()
                  + "; status: "
                  + (cr == null
                      ? "(none)"
                      : io.fabric8.kubernetes.client.utils.Serialization.asYaml(cr.getStatus()))
                  + "\noperator log:\n"
                  + tail(operator.log()),
              e);
        }
        // It was this operator, with the CSV's RBAC, that did the work, and nothing was refused.
        List<AuditLog.Write> mine = AuditLog.writesBy(cp.auditLog(), user, start);
        assertThat(mine)
            .anyMatch(w -> w.resource().equals("deployments") && w.namespace().equals(MESH_NS))
            .anyMatch(w -> w.resource().equals("meshcontrolplanes/status") && w.name().equals(MCP))
            .noneMatch(w -> w.code() == 403);
      } finally {
        admin.resources(MeshControlPlane.class).withName(MCP).delete();
        LocalControlPlane.waitFor(
            "MeshControlPlane " + MCP + " deleted",
            Duration.ofMinutes(2),
            () -> admin.resources(MeshControlPlane.class).withName(MCP).get() == null);
      }
    } finally {
      admin.resource(csv).inNamespace(NS).delete();
      admin.namespaces().withName(NS).delete();
      admin.namespaces().withName(MESH_NS).delete();
      CsvRbac.deleteClusterScoped(admin, NS);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static Path manifests() {
    return ProjectDir.get().resolve(BundleGenerator.BUNDLE_DIR).resolve("manifests");
  }

  static ClusterServiceVersion bundleCsv() throws IOException {
    try (InputStream in = Files.newInputStream(manifests().resolve(BundleGenerator.CSV_FILE))) {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          in, ClusterServiceVersion.class);
    }
  }

  /** Every manifest of the bundle but the CSV, as the bundle has it. */
  private static List<HasMetadata> bundleExtras() throws IOException {
    try (Stream<Path> files = Files.list(manifests())) {
      return files
          .filter(f -> !f.getFileName().toString().equals(BundleGenerator.CSV_FILE))
          .sorted()
          .map(
              f -> {
                try (InputStream in = Files.newInputStream(f)) {
                  return admin.resource(in).item();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }

  private static MeshControlPlane almExample(ClusterServiceVersion csv) throws IOException {
    JsonNode examples = JSON.readTree(csv.getMetadata().getAnnotations().get("alm-examples"));
    assertThat(examples).hasSize(1);
    return JSON.treeToValue(examples.get(0), MeshControlPlane.class);
  }

  /** The install namespace and an OperatorGroup without targetNamespaces: AllNamespaces. */
  private static void createNamespaceAndGroup(KubernetesClient admin, String ns) {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    admin
        .resource(
            new OperatorGroupBuilder()
                .withNewMetadata()
                .withName("global")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build())
        .serverSideApply();
  }

  private static ClusterServiceVersion awaitPhase(
      KubernetesClient admin, String ns, String name, String phase, Duration timeout) {
    try {
      LocalControlPlane.waitFor(
          "CSV " + ns + "/" + name + " phase " + phase,
          timeout,
          () -> {
            if (!olm.isAlive()) {
              throw new IllegalStateException("olm exited:\n" + olm.logTail());
            }
            var c =
                admin.resources(ClusterServiceVersion.class).inNamespace(ns).withName(name).get();
            return c != null && c.getStatus() != null && phase.equals(c.getStatus().getPhase());
          });
    } catch (IllegalStateException e) {
      var c = admin.resources(ClusterServiceVersion.class).inNamespace(ns).withName(name).get();
      throw new AssertionError(
          e.getMessage()
              + "; CSV status: "
              + (c == null
                  ? "(none)"
                  : io.fabric8.kubernetes.client.utils.Serialization.asYaml(c.getStatus()))
              + "\nolm log:\n"
              + olm.logTail(),
          e);
    }
    return admin.resources(ClusterServiceVersion.class).inNamespace(ns).withName(name).get();
  }
}
