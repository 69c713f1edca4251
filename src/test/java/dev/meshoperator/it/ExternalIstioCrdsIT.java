package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.model.IstioCrdDrift;
import dev.meshoperator.model.IstioCrdInventory;
import dev.meshoperator.model.IstioCrds;
import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.reconciler.dependent.IstioCrdsDependent;
import dev.meshoperator.testing.AuditLog;
import dev.meshoperator.testing.ClusterSetup;
import dev.meshoperator.testing.Helm;
import dev.meshoperator.testing.LocalControlPlane;
import dev.meshoperator.testing.OperatorProcess;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Istio 1.30.3's real CRDs (rendered from its base chart with {@code helm template}, applied as
 * Helm would) are there before the operator: a MeshControlPlane leaves them byte for byte as they
 * were and reports them as external; a CRD the operator then creates itself is kept in shape
 * against {@code kubectl edit}; purging on delete removes only the operator's own.
 *
 * <p>Its own apiserver and a packaged-jar operator (as {@link LeaderElectionIT}): Istio's CRDs are
 * cluster-wide, and the shared test cluster's other tests rely on the operator's copies.
 */
class ExternalIstioCrdsIT {

  static final Path CHART =
      ProjectDir.get().resolve("../shared/istio-releases/1.30.3/charts/base").normalize();
  static final String SIDECARS = "sidecars.networking.istio.io";

  static LocalControlPlane cp;
  static KubernetesClient admin;

  @BeforeAll
  static void setUp() {
    cp = LocalControlPlane.start();
    admin = cp.adminClient();
    ClusterSetup.installCrds(admin);
    ClusterSetup.installOperatorRbac(admin);
  }

  @AfterAll
  static void tearDown() {
    if (admin != null) {
      admin.close();
    }
    if (cp != null) {
      cp.close();
    }
  }

  /** What the test compares: the whole spec, and the object's write counters. */
  record Snapshot(
      String spec, String resourceVersion, Long generation, Map<String, String> labels) {
    static Snapshot of(CustomResourceDefinition crd) {
      return new Snapshot(
          Serialization.asJson(crd.getSpec()),
          crd.getMetadata().getResourceVersion(),
          crd.getMetadata().getGeneration(),
          new TreeMap<>(crd.getMetadata().getLabels()));
    }
  }

  @Test
  void istiosOwnCrdsAreLeftAloneOursAreKeptInShapeAndPurgeSparesTheirs() throws Exception {
    Path helm = Helm.binary();
    assumeTrue(Files.isDirectory(CHART), CHART + " (Istio's charts) is not present");
    assumeTrue(Files.isExecutable(helm), helm + " is missing: run hack/build-helm.sh");

    // (a) Istio's CRDs, installed as `helm install istio-base` would: server-side, by "helm".
    List<CustomResourceDefinition> istio = istioChartCrds();
    assertThat(istio)
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(IstioCrds.names());
    for (var crd : istio) {
      admin.resource(crd).fieldManager("helm").forceConflicts().serverSideApply();
    }
    // The apiserver writes each new CRD's status (NamesAccepted, then Established) a moment
    // after the create, and each write bumps its resourceVersion: the snapshot is taken once
    // all of them are done, or it would count the apiserver's writes as the operator's (seen in
    // a fresh-clone CI run: three CRDs established after the snapshot).
    LocalControlPlane.waitFor(
        "Istio's CRDs NamesAccepted and Established",
        Duration.ofSeconds(60),
        () -> IstioCrds.names().stream().allMatch(ExternalIstioCrdsIT::established));
    Map<String, Snapshot> before = snapshots();
    assertThat(before.get("virtualservices.networking.istio.io").spec())
        .as("Istio's real schema, not a preserve-unknown-fields one")
        .contains("\"http\"")
        .contains("x-kubernetes-validations");

    Instant start = Instant.now();
    int port = LocalControlPlane.freePort();
    Path kubeconfig =
        cp.writeServiceAccountKubeconfig(
            ClusterSetup.OPERATOR_NAMESPACE, ClusterSetup.OPERATOR_SERVICE_ACCOUNT);
    try (OperatorProcess op =
        OperatorProcess.start(
            "crds-op",
            kubeconfig,
            cp.workDir(),
            port,
            Map.of("MESH_OPERATOR_WEBHOOK_URL", "https://127.0.0.1:" + port + "/inject"))) {
      op.awaitReady(Duration.ofMinutes(2));
      applyControlPlane(false);
      StatusCondition crds = awaitCrdsCondition("InstalledExternally");
      System.out.println("IstioCRDs condition: " + crds);
      assertThat(crds.getStatus()).isEqualTo(StatusCondition.TRUE);
      assertThat(crds.getMessage())
          .isEqualTo(
              "15 Istio CRDs: all 15 found installed by someone else (Istio 1.30.3) and left as"
                  + " they are");
      awaitCondition(MeshControlPlaneStatus.RECONCILED, "True");
      // A few more reconciles' worth of time: nothing may touch them later either.
      Thread.sleep(5_000);
      assertThat(snapshots()).as("Istio's CRDs after the operator ran").isEqualTo(before);
      List<AuditLog.Write> crdWrites = crdWrites(start);
      assertThat(crdWrites).as("the operator's writes to CRDs").isEmpty();

      // (b) An absent one is created, and kept in shape: a schema edit and a served flag flip
      // are put back, and then nothing is rewritten any more.
      admin.apiextensions().v1().customResourceDefinitions().withName(SIDECARS).delete();
      LocalControlPlane.waitFor(
          "Istio's " + SIDECARS + " deleted", Duration.ofSeconds(60), () -> crd(SIDECARS) == null);
      // Istio's CRDs are not watched (the informer sees the operator's only): the operator looks
      // again on its next reconcile, here the spec change (else at most 10 minutes later).
      applyControlPlane(true);
      LocalControlPlane.waitFor(
          "the operator's own " + SIDECARS,
          Duration.ofSeconds(90),
          () -> {
            var c = crd(SIDECARS);
            return c != null && IstioCrdInventory.ours(c);
          });
      assertThat(awaitCrdsCondition("PartlyInstalledExternally").getMessage())
          .isEqualTo(
              "15 Istio CRDs: 1 installed by the operator (sidecars.networking.istio.io), 14 found"
                  + " installed by someone else (Istio 1.30.3) and left as they are");
      CustomResourceDefinition desired =
          IstioCrds.all(IstioCrdsDependent.LABELS).stream()
              .filter(c -> c.getMetadata().getName().equals(SIDECARS))
              .findFirst()
              .orElseThrow();
      LocalControlPlane.waitFor(
          SIDECARS + " as the operator wants it",
          Duration.ofSeconds(30),
          () -> IstioCrdDrift.differences(desired, crd(SIDECARS)).isEmpty());

      var edited = crd(SIDECARS);
      var v1beta1 = edited.getSpec().getVersions().get(2);
      assertThat(v1beta1.getName()).isEqualTo("v1beta1");
      v1beta1.setServed(false);
      edited
          .getSpec()
          .getVersions()
          .get(0)
          .getSchema()
          .getOpenAPIV3Schema()
          .getProperties()
          .get("spec")
          .getProperties()
          .put("egress", new JSONSchemaPropsBuilder().withType("string").build());
      String editedVersion = admin.resource(edited).update().getMetadata().getResourceVersion();
      LocalControlPlane.waitFor(
          "the edit of " + SIDECARS + " put back",
          Duration.ofSeconds(60),
          () -> {
            var c = crd(SIDECARS);
            return !c.getMetadata().getResourceVersion().equals(editedVersion)
                && IstioCrdDrift.differences(desired, c).isEmpty();
          });
      var corrected = crd(SIDECARS);
      assertThat(corrected.getSpec().getVersions().get(2).getServed()).isTrue();
      Thread.sleep(5_000);
      assertThat(crd(SIDECARS).getMetadata().getResourceVersion())
          .as("no rewrite once corrected")
          .isEqualTo(corrected.getMetadata().getResourceVersion());
      before.remove(SIDECARS);
      Map<String, Snapshot> external = snapshots();
      external.remove(SIDECARS);
      assertThat(external).as("Istio's other CRDs").isEqualTo(before);
      System.out.println("The operator's CRD writes: " + crdWrites(start));
      assertThat(crdWrites(start))
          .as("every CRD write of the operator is to its own " + SIDECARS)
          .isNotEmpty()
          .allSatisfy(w -> assertThat(w.name()).isEqualTo(SIDECARS));

      // (c) Purge on delete: the operator's own goes, Istio's stay as they were.
      admin.resources(MeshControlPlane.class).withName("default").delete();
      LocalControlPlane.waitFor(
          "MeshControlPlane default deleted and " + SIDECARS + " purged",
          Duration.ofSeconds(90),
          () ->
              admin.resources(MeshControlPlane.class).withName("default").get() == null
                  && crd(SIDECARS) == null);
      assertThat(snapshots()).as("Istio's CRDs after the purge").isEqualTo(before);
      assertThat(crdWrites(start))
          .filteredOn(w -> w.verb().equals("delete"))
          .extracting(AuditLog.Write::name)
          .containsOnly(SIDECARS);
    }
  }

  private static void applyControlPlane(boolean purge) {
    admin
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: meshoperator.dev/v1alpha1
                kind: MeshControlPlane
                metadata: {name: default}
                spec: {profile: minimal, purgeIstioCrdsOnDelete: %s}
                """
                    .formatted(purge),
                GenericKubernetesResource.class))
        .serverSideApply();
  }

  /** Istio's base chart rendered by helm, its CRDs only. */
  static List<CustomResourceDefinition> istioChartCrds() throws Exception {
    String rendered = Helm.template("istio-base", CHART.toString(), "-n", "istio-system");
    List<HasMetadata> objects =
        admin.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items();
    return objects.stream()
        .filter(CustomResourceDefinition.class::isInstance)
        .map(CustomResourceDefinition.class::cast)
        .peek(
            c -> {
              // The chart sources carry version 1.0.0; Istio's release-builder stamps the release
              // into Chart.yaml, and so into these two labels, when it publishes the chart.
              c.getMetadata().getLabels().put(MeshLabels.VERSION, "1.30.3");
              c.getMetadata().getLabels().put("helm.sh/chart", "base-1.30.3");
            })
        .toList();
  }

  private static Map<String, Snapshot> snapshots() {
    Map<String, Snapshot> all = new TreeMap<>();
    for (String name : IstioCrds.names()) {
      var c = crd(name);
      if (c != null) {
        all.put(name, Snapshot.of(c));
      }
    }
    return all;
  }

  private static boolean established(String name) {
    var c = crd(name);
    if (c == null || c.getStatus() == null || c.getStatus().getConditions() == null) {
      return false;
    }
    var conditions = c.getStatus().getConditions();
    return Stream.of("NamesAccepted", "Established")
        .allMatch(
            type ->
                conditions.stream()
                    .anyMatch(k -> k.getType().equals(type) && "True".equals(k.getStatus())));
  }

  private static CustomResourceDefinition crd(String name) {
    return admin.apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  private static List<AuditLog.Write> crdWrites(Instant since) {
    return AuditLog.writesBy(cp.auditLog(), AuditLog.operatorUser(), since).stream()
        .filter(w -> w.resource().startsWith("customresourcedefinitions"))
        .filter(w -> IstioCrds.names().contains(w.name()) || w.verb().equals("create"))
        .toList();
  }

  private static StatusCondition awaitCrdsCondition(String reason) {
    StatusCondition[] found = new StatusCondition[1];
    LocalControlPlane.waitFor(
        "IstioCRDs condition " + reason,
        Duration.ofMinutes(2),
        () -> {
          found[0] = condition(MeshControlPlaneStatus.ISTIO_CRDS).orElse(null);
          return found[0] != null && reason.equals(found[0].getReason());
        });
    return found[0];
  }

  private static void awaitCondition(String type, String status) {
    LocalControlPlane.waitFor(
        type + "=" + status,
        Duration.ofMinutes(2),
        () -> condition(type).map(c -> status.equals(c.getStatus())).orElse(false));
  }

  private static Optional<StatusCondition> condition(String type) {
    var mcp = admin.resources(MeshControlPlane.class).withName("default").get();
    return mcp == null || mcp.getStatus() == null
        ? Optional.empty()
        : mcp.getStatus().condition(type);
  }
}
