package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.AddonStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.testing.AuditLog;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The addons against the local control plane: a demo MeshControlPlane yields Prometheus, Grafana,
 * Kiali and Jaeger with pods Ready (on kwok's simulated node) and each in status; turning one off
 * deletes exactly its objects, turning it on again creates exactly those, listed by label.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AddonsIT {

  /** A revision of its own, so its names never meet MeshControlPlaneIT's default revision. */
  private static final String NAME = "addons";

  private static final String NS = "addons-system";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final List<String> ADDONS = List.of("prometheus", "grafana", "kiali", "jaeger");

  private final KubernetesClient admin = LocalCluster.get().admin();

  @Test
  @Order(1)
  void demoProfileRunsAllFourAddonsReadyWithTheirUrlsInStatus() throws Exception {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    admin
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: meshoperator.dev/v1alpha1
                kind: MeshControlPlane
                metadata: {name: %s}
                spec: {profile: demo, namespace: %s}
                """
                    .formatted(NAME, NS),
                GenericKubernetesResource.class))
        .serverSideApply();
    MeshControlPlane mcp = awaitReady();
    assertThat(mcp.getStatus().getAddons())
        .extracting(a -> a.name)
        .containsExactly("prometheus", "grafana", "kiali", "jaeger");
    assertThat(mcp.getStatus().getAddons())
        .allSatisfy(
            a -> {
              assertThat(a.ready).as(a.name).isTrue();
              assertThat(a.readyReplicas).as(a.name).isEqualTo(1);
            });
    assertThat(mcp.getStatus().getAddons())
        .extracting(a -> a.url)
        .containsExactly(
            "http://prometheus-addons.addons-system:9090",
            "http://grafana-addons.addons-system:3000",
            "http://kiali-addons.addons-system:20001/kiali",
            "http://tracing-addons.addons-system:80/jaeger");
    System.out.println("status.addons: " + Serialization.asJson(mcp.getStatus().getAddons()));

    for (String addon : ADDONS) {
      var pods = admin.pods().inNamespace(NS).withLabel(MeshLabels.ADDON, addon).list().getItems();
      assertThat(pods).as(addon).isNotEmpty();
      assertThat(pods)
          .as(addon)
          .allSatisfy(
              p -> {
                assertThat(p.getStatus().getPhase()).isEqualTo("Running");
                assertThat(p.getStatus().getConditions())
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                // Outside the mesh: neither injected by this operator's webhook nor selected.
                assertThat(p.getSpec().getContainers())
                    .noneMatch(c -> c.getName().equals("istio-proxy"));
              });
    }
    assertThat(
            admin.services().inNamespace(NS).withName("tracing-addons").get().getSpec().getPorts())
        .anyMatch(p -> p.getPort() == 80 && p.getTargetPort().getIntVal() == 16686);
    assertThat(
            admin
                .services()
                .inNamespace(NS)
                .withName("jaeger-collector-addons")
                .get()
                .getSpec()
                .getPorts())
        .extracting(p -> p.getPort())
        .contains(4317, 4318);
    assertThat(
            admin.configMaps().inNamespace(NS).withName("istio-addons").get().getData().get("mesh"))
        .contains("service: jaeger-collector-addons.addons-system.svc.cluster.local")
        .contains("tracing:\n  - jaeger");
    String all = kubectl("get", "all", "-n", NS, "-l", MeshLabels.ADDON + "=kiali");
    System.out.println("kubectl get all -l " + MeshLabels.ADDON + "=kiali:\n" + all);
    assertThat(all)
        .contains("deployment.apps/kiali-addons")
        .contains("service/kiali-addons")
        .contains("pod/kiali-addons-");
    assertThat(kubectl("rollout", "status", "deployment/kiali-addons", "-n", NS, "--timeout=30s"))
        .contains("successfully rolled out");
  }

  @Test
  @Order(2)
  void theAddonsInSteadyStateCauseNoWrites() {
    awaitReady();
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                AuditLog.writesBy(AuditLog.operatorUser(), Instant.now().minusSeconds(5))
                    .isEmpty());
    Instant since = Instant.now();
    // Resyncs run every 3 s in tests; an unrelated edit of an addon object triggers one more.
    admin
        .serviceAccounts()
        .inNamespace(NS)
        .withName("kiali-addons")
        .edit(
            sa -> {
              var annotations = new java.util.HashMap<String, String>();
              if (sa.getMetadata().getAnnotations() != null) {
                annotations.putAll(sa.getMetadata().getAnnotations());
              }
              annotations.put("example.com/touched", since.toString());
              sa.getMetadata().setAnnotations(annotations);
              return sa;
            });
    try {
      Thread.sleep(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(AuditLog.writesBy(AuditLog.operatorUser(), since))
        .as("writes by the operator during 10 s of steady state with four addons")
        .isEmpty();
  }

  @Test
  @Order(3)
  void togglingAnAddonDeletesAndCreatesExactlyItsObjects() {
    for (String addon : List.of("grafana", "kiali")) {
      Map<String, String> before = managed(null);
      Map<String, String> its = managed(addon);
      assertThat(its).as(addon).isNotEmpty();
      System.out.println(addon + "'s objects: " + its.keySet());

      patchSpec("{\"spec\":{\"addons\":{\"" + addon + "\":{\"enabled\":false}}}}");
      await()
          .atMost(TIMEOUT)
          .untilAsserted(() -> assertThat(managed(addon)).as(addon + " objects").isEmpty());
      MeshControlPlane off = awaitReady();
      assertThat(off.getStatus().getAddons()).extracting(a -> a.name).doesNotContain(addon);
      Map<String, String> others = new TreeMap<>(before);
      its.keySet().forEach(others::remove);
      // Everything else is still there, the very same objects (same uid): nothing recreated.
      assertThat(managed(null)).as("objects other than " + addon + "'s").isEqualTo(others);

      patchSpec("{\"spec\":{\"addons\":{\"" + addon + "\":{\"enabled\":true}}}}");
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> assertThat(managed(addon).keySet()).as(addon).isEqualTo(its.keySet()));
      MeshControlPlane on = awaitReady();
      assertThat(on.getStatus().getAddons())
          .filteredOn(a -> addon.equals(a.name))
          .singleElement()
          .satisfies(a -> assertThat(a.ready).isTrue());
      Map<String, String> after = managed(null);
      its.keySet().forEach(after::remove);
      assertThat(after).as("objects other than " + addon + "'s").isEqualTo(others);
    }
  }

  @AfterAll
  static void deleteControlPlane() {
    var admin = LocalCluster.get().admin();
    admin.resources(MeshControlPlane.class).withName(NAME).delete();
    await()
        .atMost(TIMEOUT)
        .until(() -> admin.resources(MeshControlPlane.class).withName(NAME).get() == null);
  }

  /**
   * {@code Kind/name} → uid of every object this operator manages for the control plane (of one
   * addon, or all when {@code addon} is null), found by label as a user would. Objects being
   * deleted count as gone.
   */
  private Map<String, String> managed(String addon) {
    String selector =
        addon == null
            ? MeshLabels.INSTANCE + "=" + NAME
            : MeshLabels.INSTANCE + "=" + NAME + "," + MeshLabels.ADDON + "=" + addon;
    Map<String, String> out = new TreeMap<>();
    Stream.of(
            admin
                .apps()
                .deployments()
                .inNamespace(NS)
                .withLabelSelector(selector)
                .list()
                .getItems(),
            admin.services().inNamespace(NS).withLabelSelector(selector).list().getItems(),
            admin.serviceAccounts().inNamespace(NS).withLabelSelector(selector).list().getItems(),
            admin.configMaps().inNamespace(NS).withLabelSelector(selector).list().getItems(),
            admin.rbac().roles().inNamespace(NS).withLabelSelector(selector).list().getItems(),
            admin
                .rbac()
                .roleBindings()
                .inNamespace(NS)
                .withLabelSelector(selector)
                .list()
                .getItems(),
            admin.rbac().clusterRoles().withLabelSelector(selector).list().getItems(),
            admin.rbac().clusterRoleBindings().withLabelSelector(selector).list().getItems())
        .flatMap(List::stream)
        .map(HasMetadata.class::cast)
        .filter(o -> o.getMetadata().getDeletionTimestamp() == null)
        .filter(o -> o.getMetadata().getLabels().containsKey(MeshLabels.MANAGED_BY))
        .forEach(
            o -> out.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getUid()));
    return out;
  }

  private void patchSpec(String mergePatch) {
    admin
        .resources(MeshControlPlane.class)
        .withName(NAME)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private MeshControlPlane awaitReady() {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var mcp = admin.resources(MeshControlPlane.class).withName(NAME).get();
              assertThat(mcp.getStatus()).isNotNull();
              assertThat(mcp.getStatus().getObservedGeneration())
                  .isEqualTo(mcp.getMetadata().getGeneration());
              assertThat(mcp.getStatus().condition(MeshControlPlaneStatus.READY))
                  .as("%s; addons %s", mcp.getStatus().getConditions(), addons(mcp))
                  .get()
                  .extracting(StatusCondition::getStatus)
                  .isEqualTo("True");
            });
    return admin.resources(MeshControlPlane.class).withName(NAME).get();
  }

  private static List<String> addons(MeshControlPlane mcp) {
    List<String> out = new ArrayList<>();
    if (mcp.getStatus().getAddons() != null) {
      for (AddonStatus a : mcp.getStatus().getAddons()) {
        out.add(a.name + "=" + a.ready);
      }
    }
    return out;
  }

  private static String kubectl(String... args) throws Exception {
    var cp = LocalCluster.get().controlPlane();
    List<String> cmd = new ArrayList<>();
    cmd.add(cp.binDir().resolve("kubectl").toString());
    cmd.add("--kubeconfig=" + cp.adminKubeconfig());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    var out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor()).as(out.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }
}
