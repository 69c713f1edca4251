package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.testing.IstiodProcess;
import dev.meshoperator.testing.LocalControlPlane;
import dev.meshoperator.testing.ProjectDir;
import dev.meshoperator.testing.QuickStartCluster;
import dev.meshoperator.testing.QuickStartCluster.Result;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Istio's quick start end to end, the operator way, against the real istiod ({@code
 * pilot-discovery} and {@code istioctl} from hack/build-istio.sh) run from the operator's own
 * objects ({@link IstiodProcess}), on the local cluster in its own network namespace ({@link
 * QuickStartCluster}): demo MeshControlPlane, label, Bookinfo, its Gateway and VirtualService
 * validated by istiod, the Gateway API variant, {@code istioctl analyze}, GATEWAY_URL, a switch to
 * the operator's CA, and the uninstall. The methods run in order and build on each other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuickStartIT {

  static final String MCP = "default";
  static final String NS = QuickStartCluster.MESH_NS;
  static final String APP_NS = "default";
  static final String LEGACY_NS = "legacy";
  static final String LB_IP = "192.0.2.10";
  static final Duration TIMEOUT = Duration.ofMinutes(4);
  static final List<String> BOOKINFO_HOSTS =
      List.of("productpage", "details", "reviews", "ratings");

  static QuickStartCluster qs;
  static IstiodProcess istiod;
  static Map<String, Set<String>> clusterScopedBefore;

  @BeforeAll
  static void start() {
    Optional<String> why = QuickStartCluster.unavailable();
    Assumptions.assumeTrue(
        why.isEmpty(), () -> "QuickStartIT skipped: no network namespace: " + why.orElse(""));
    qs = QuickStartCluster.start();
    clusterScopedBefore = ClusterScoped.list(qs.admin());
  }

  @AfterAll
  static void stop() {
    if (istiod != null) {
      System.err.println("[quickstart-it] istiod log " + istiod.log());
    }
    if (qs != null) {
      qs.close();
    }
  }

  @Test
  @Order(1)
  void demoControlPlaneRunsTheRealIstiod() {
    Path sample = ProjectDir.get().resolve("samples/meshcontrolplane-demo.yaml");
    assertOk(qs.kubectl("apply", "-f", sample.toString()));
    istiod = qs.istiod("istiod");
    LocalControlPlane.waitFor(
        "the real istiod ready (/ready on its debug port)",
        TIMEOUT,
        () -> {
          if (istiod.starts() > 0 && !istiod.isReady() && istiod.logTail().contains("fatal")) {
            throw new IllegalStateException("istiod failed:\n" + istiod.logTail());
          }
          return istiod.isReady();
        });
    MeshControlPlane mcp = qs.awaitReady(MCP, TIMEOUT);
    assertThat(mcp.getStatus().getGateways())
        .extracting(g -> g.name)
        .contains("istio-ingressgateway");
    // istiod's own work with the operator's RBAC: the root cert in every namespace, and the
    // caBundle of the validating webhook the operator created for it.
    LocalControlPlane.waitFor(
        "istio-ca-root-cert in " + APP_NS + " (written by istiod)",
        TIMEOUT,
        () ->
            qs.admin().configMaps().inNamespace(APP_NS).withName("istio-ca-root-cert").get()
                != null);
    LocalControlPlane.waitFor(
        "istiod to patch its validating webhook (caBundle, failurePolicy Fail)",
        TIMEOUT,
        () -> {
          ValidatingWebhookConfiguration v = validator();
          return v != null
              && v.getWebhooks().stream()
                  .allMatch(
                      w ->
                          w.getClientConfig().getCaBundle() != null
                              && !w.getClientConfig().getCaBundle().isEmpty()
                              && "Fail".equals(w.getFailurePolicy()));
        });
    assertThat(istiod.logTail()).doesNotContain("is forbidden");
  }

  @Test
  @Order(2)
  void bookinfoGetsItsSidecars() {
    assertOk(qs.kubectl("label", "namespace", APP_NS, "istio-injection=enabled", "--overwrite"));
    assertOk(
        qs.kubectl(
            "apply",
            "-n",
            APP_NS,
            "-f",
            ProjectDir.get().resolve("samples/bookinfo.yaml").toString()));
    LocalControlPlane.waitFor(
        "Bookinfo's 6 Deployments available",
        TIMEOUT,
        () -> {
          var ds = qs.admin().apps().deployments().inNamespace(APP_NS).list().getItems();
          return ds.size() == 6
              && ds.stream()
                  .allMatch(
                      d ->
                          d.getStatus() != null
                              && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()));
        });
    List<Pod> pods = qs.admin().pods().inNamespace(APP_NS).list().getItems();
    assertThat(pods).hasSize(6);
    for (Pod p : pods) {
      assertThat(p.getSpec().getInitContainers())
          .as("sidecar of " + p.getMetadata().getName())
          .extracting(c -> c.getName())
          .contains("istio-proxy");
    }
  }

  @Test
  @Order(3)
  void istiodValidatesTheGatewayAndRefusesABrokenVirtualService() throws Exception {
    String gateway = Files.readString(ProjectDir.get().resolve("samples/bookinfo-gateway.yaml"));
    Result ok = applyIn(APP_NS, gateway);
    assertOk(ok);
    Result broken = applyIn(APP_NS, BROKEN_VS);
    assertThat(broken.exitCode()).as(broken.output()).isNotZero();
    // The refusal is istiod's (its webhook, its validation message), not the CRD schema's.
    assertThat(broken.output())
        .contains("admission webhook \"validation.istio.io\" denied the request")
        .contains("(unclosed");
    assertThat(
            qs.admin()
                .genericKubernetesResources("networking.istio.io/v1", "VirtualService")
                .inNamespace(APP_NS)
                .withName("broken")
                .get())
        .isNull();
  }

  @Test
  @Order(4)
  void istiodsRegistryListsBookinfo() {
    LocalControlPlane.waitFor(
        "istiod's registry and endpoint shards list Bookinfo",
        TIMEOUT,
        () -> {
          String registry = istiod.get("/debug/registryz").body();
          String shards = istiod.get("/debug/endpointShardz").body();
          return BOOKINFO_HOSTS.stream()
              .allMatch(
                  h ->
                      registry.contains("\"" + h + ".default.svc.cluster.local\"")
                          && shards.contains("\"" + h + ".default.svc.cluster.local\""));
        });
    // Each endpoint is a Bookinfo pod's IP (kwok's, from 10.244.0.0/16).
    String shards = istiod.get("/debug/endpointShardz").body();
    for (Pod p : qs.admin().pods().inNamespace(APP_NS).list().getItems()) {
      assertThat(shards).contains("\"" + p.getStatus().getPodIP() + "\"");
    }
    String configz = istiod.get("/debug/configz").body();
    assertThat(configz).contains("\"bookinfo-gateway\"").contains("\"bookinfo\"");
  }

  @Test
  @Order(5)
  void istioctlAnalyzeFindsNoErrors() {
    Result r = qs.istioctl("analyze", "--all-namespaces");
    System.err.println("[quickstart-it] istioctl analyze --all-namespaces:\n" + r.output());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).doesNotContain("Error [");
  }

  @Test
  @Order(6)
  void gatewayUrlComesFromTheGatewayStatus() {
    qs.assignLoadBalancerAddress(NS, "istio-ingressgateway", LB_IP);
    LocalControlPlane.waitFor(
        "the ingress gateway's address in the MeshControlPlane status",
        TIMEOUT,
        () -> ingressAddresses().contains(LB_IP));
  }

  @Test
  @Order(7)
  void healthReportShowsPodsThatNeedARestartUntilTheyAreRestarted() {
    // Every Bookinfo pod was created after `default` was labeled: all up to date.
    LocalControlPlane.waitFor(
        "the health report to list default with every Bookinfo pod up to date",
        TIMEOUT,
        () -> {
          HealthStatus h = health();
          return h != null
              && h.namespaces != null
              && h.namespaces.examples.contains(APP_NS)
              && h.needRestart() == 0
              && h.upToDate != null
              && h.upToDate >= 6;
        });
    // A workload started before its namespace was labeled runs without a sidecar until restarted.
    assertOk(qs.kubectl("create", "namespace", LEGACY_NS));
    assertOk(qs.kubectl("-n", LEGACY_NS, "create", "deployment", "legacy", "--image=busybox"));
    LocalControlPlane.waitFor(
        "the legacy pod to run",
        TIMEOUT,
        () -> !qs.admin().pods().inNamespace(LEGACY_NS).list().getItems().isEmpty());
    assertOk(qs.kubectl("label", "namespace", LEGACY_NS, "istio-injection=enabled"));
    LocalControlPlane.waitFor(
        "the health report to show the legacy pod without a sidecar",
        TIMEOUT,
        () -> {
          HealthStatus h = health();
          return h != null
              && h.withoutSidecar != null
              && h.withoutSidecar.examples.stream().anyMatch(n -> n.startsWith(LEGACY_NS + "/"));
        });
    String message = condition(MeshControlPlaneStatus.SIDECARS_UP_TO_DATE);
    System.err.println("[quickstart-it] health report before the restart: " + message);
    assertThat(message).contains(LEGACY_NS + "/");
    assertOk(qs.kubectl("-n", LEGACY_NS, "rollout", "restart", "deployment/legacy"));
    LocalControlPlane.waitFor(
        "the health report to drop the legacy pod after the restart",
        TIMEOUT,
        () -> {
          HealthStatus h = health();
          return h != null && h.needRestart() == 0;
        });
    // The replacement carries the sidecar (a native sidecar: an init container here).
    assertThat(qs.admin().pods().inNamespace(LEGACY_NS).list().getItems())
        .filteredOn(p -> p.getMetadata().getDeletionTimestamp() == null)
        .isNotEmpty()
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getAnnotations())
                    .containsKey("sidecar.istio.io/status"));
    assertOk(qs.kubectl("delete", "namespace", LEGACY_NS, "--wait=true"));
  }

  private static HealthStatus health() {
    var cr = qs.admin().resources(MeshControlPlane.class).withName(MCP).get();
    return cr == null || cr.getStatus() == null ? null : cr.getStatus().getHealth();
  }

  private static String condition(String type) {
    var cr = qs.admin().resources(MeshControlPlane.class).withName(MCP).get();
    return cr.getStatus().condition(type).map(c -> c.getMessage()).orElse("");
  }

  @Test
  @Order(8)
  void gatewayApiVariantIsAcceptedByIstiod() throws Exception {
    GatewayApiCrds.install(qs.admin());
    String yaml = Files.readString(ProjectDir.get().resolve("samples/bookinfo-gateway-api.yaml"));
    assertOk(applyIn(APP_NS, yaml));
    // istiod's Gateway API controller (leader-elected, with the operator's RBAC) accepts them.
    LocalControlPlane.waitFor(
        "istiod to accept the Gateway and the HTTPRoute",
        TIMEOUT,
        () -> {
          String gw =
              qs.kubectl(
                      "get",
                      "gateway.gateway.networking.k8s.io",
                      "-n",
                      APP_NS,
                      "bookinfo-gateway",
                      "-o",
                      "jsonpath={.status.conditions[?(@.type=='Accepted')].status}")
                  .output();
          String route =
              qs.kubectl(
                      "get",
                      "httproute",
                      "-n",
                      APP_NS,
                      "bookinfo",
                      "-o",
                      "jsonpath={.status.parents[0].conditions[?(@.type=='Accepted')].status}")
                  .output();
          return gw.equals("True") && route.equals("True");
        });
  }

  @Test
  @Order(9)
  void switchingToTheOperatorsCaRollsIstiodOntoIt() throws Exception {
    int startsBefore = istiod.starts();
    assertOk(
        qs.kubectl(
            "patch",
            "meshcontrolplane",
            MCP,
            "--type=merge",
            "-p",
            "{\"spec\":{\"certificateAuthority\":\"operator\"}}"));
    LocalControlPlane.waitFor(
        "the operator's cacerts and istiod restarted on the roll",
        TIMEOUT,
        () -> istiod.starts() > startsBefore && istiod.isReady());
    OperatorCa.assertServedChainedToOperatorRoot(qs, istiod);
    // The apiserver trusts istiod's new certificate (istiod re-patched the caBundle).
    LocalControlPlane.waitFor(
        "istiod to refuse the broken VirtualService again",
        TIMEOUT,
        () -> applyIn(APP_NS, BROKEN_VS).output().contains("validation.istio.io\" denied"));
  }

  @Test
  @Order(10)
  void uninstallRemovesEverythingItMade() {
    assertOk(
        qs.kubectl(
            "patch",
            "meshcontrolplane",
            MCP,
            "--type=merge",
            "-p",
            "{\"spec\":{\"purgeIstioCrdsOnDelete\":true}}"));
    Map<String, Set<String>> during = ClusterScoped.list(qs.admin());
    System.err.println(
        "[quickstart-it] cluster-scoped objects added by the install: "
            + ClusterScoped.added(clusterScopedBefore, during));
    assertOk(qs.kubectl("delete", "meshcontrolplane", MCP, "--timeout=180s"));
    LocalControlPlane.waitFor(
        "control plane, gateways and addons gone from " + NS,
        TIMEOUT,
        () ->
            qs.admin().apps().deployments().inNamespace(NS).list().getItems().isEmpty()
                && qs.admin().services().inNamespace(NS).list().getItems().isEmpty());
    try {
      LocalControlPlane.waitFor(
          "every cluster-scoped object of the install gone (Istio CRDs purged)",
          Duration.ofMinutes(2),
          () -> leftByTheInstall().isEmpty());
    } catch (IllegalStateException timedOut) {
      // Fails below with what is left.
    }
    System.err.println(
        "[quickstart-it] cluster-scoped objects after the uninstall, beyond those before it: "
            + ClusterScoped.added(clusterScopedBefore, ClusterScoped.list(qs.admin()))
            + " (the Gateway API CRDs are the test's own)");
    assertThat(leftByTheInstall()).as("cluster-scoped objects left by the install").isEmpty();
    assertOk(qs.kubectl("delete", "namespace", NS, "--timeout=120s"));
    assertThat(qs.admin().namespaces().withName(NS).get()).isNull();
  }

  /** Cluster-scoped objects added since the start, less the Gateway API CRDs the test installed. */
  private static Map<String, Set<String>> leftByTheInstall() {
    Map<String, Set<String>> left =
        ClusterScoped.added(clusterScopedBefore, ClusterScoped.list(qs.admin()));
    left.computeIfPresent(
        "CustomResourceDefinition",
        (k, names) -> {
          names.removeIf(n -> n.endsWith(".gateway.networking.k8s.io"));
          return names.isEmpty() ? null : names;
        });
    return left;
  }

  static final String BROKEN_VS =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: broken
      spec:
        hosts: [productpage]
        http:
        - match:
          - uri: {regex: "(unclosed"}
          route:
          - destination: {host: productpage}
      """;

  private static Result applyIn(String ns, String yaml) {
    return qs.apply(ns, yaml);
  }

  private static List<String> ingressAddresses() {
    var cr = qs.admin().resources(MeshControlPlane.class).withName(MCP).get();
    return cr.getStatus().getGateways().stream()
        .filter(g -> "istio-ingressgateway".equals(g.name))
        .map(g -> g.addresses == null ? List.<String>of() : g.addresses)
        .findFirst()
        .orElse(List.of());
  }

  private static ValidatingWebhookConfiguration validator() {
    return qs
        .admin()
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .list()
        .getItems()
        .stream()
        .filter(v -> v.getMetadata().getName().startsWith("istio-validator"))
        .findFirst()
        .orElse(null);
  }

  private static void assertOk(Result r) {
    assertThat(r.exitCode()).as(r.output()).isZero();
  }
}
