package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.model.IstioCrds;
import dev.meshoperator.model.OperatorRbac;
import dev.meshoperator.testing.AuditLog;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator (in-process, as its own ServiceAccount with the generated RBAC) against the real
 * local apiserver, controllers and simulated node: install, readiness, drift, steady state,
 * upgrades, canaries, refusals and deletion.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshControlPlaneIT {

  private static final String NS = "istio-system";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final KubernetesClient admin = LocalCluster.get().admin();

  @Test
  @Order(1)
  void demoProfileInstallsTheControlPlaneAndBecomesReady() throws Exception {
    namespace(NS);
    apply(
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: default}
        spec: {profile: demo, namespace: istio-system}
        """);
    MeshControlPlane mcp = awaitCondition("default", MeshControlPlaneStatus.READY, "True");
    assertThat(mcp.getStatus().getVersion()).isEqualTo("1.30.3");
    assertThat(mcp.getStatus().getRevision()).isEqualTo("default");
    assertThat(mcp.getStatus().getObservedGeneration())
        .isEqualTo(mcp.getMetadata().getGeneration());
    assertThat(mcp.getStatus().getComponents())
        .extracting(c -> c.name)
        .containsExactly("istiod", "istio-ingressgateway", "istio-egressgateway");
    assertThat(mcp.getStatus().getComponents())
        .allSatisfy(
            c -> {
              assertThat(c.readyReplicas).as(c.name).isEqualTo(1);
              assertThat(c.ready).as(c.name).isTrue();
            });
    // The demo profile's gateways under Istio's names, in status with their Service ports.
    assertThat(mcp.getStatus().getGateways())
        .extracting(g -> g.name + "/" + g.type + "/" + g.serviceType + "/" + g.ready)
        .containsExactly(
            "istio-ingressgateway/ingress/LoadBalancer/true",
            "istio-egressgateway/egress/ClusterIP/true");
    assertThat(mcp.getStatus().getGateways().get(0).ports)
        .containsExactly("status-port:15021", "http2:80", "https:443", "tcp:31400", "tls:15443");
    assertThat(
            admin
                .services()
                .inNamespace(NS)
                .withName("istio-ingressgateway")
                .get()
                .getSpec()
                .getSelector())
        .containsEntry("istio", "ingressgateway");
    // Their pods came out of the operator's webhook with the gateway template.
    for (String app : List.of("istio-ingressgateway", "istio-egressgateway")) {
      assertThat(admin.pods().inNamespace(NS).withLabel("app", app).list().getItems())
          .as(app)
          .isNotEmpty()
          .allSatisfy(
              p -> {
                assertThat(p.getStatus().getPhase()).isEqualTo("Running");
                var proxy = p.getSpec().getContainers().get(0);
                assertThat(proxy.getName()).isEqualTo("istio-proxy");
                assertThat(proxy.getImage()).isEqualTo("docker.io/istio/proxyv2:1.30.3");
                assertThat(proxy.getArgs()).containsSequence("proxy", "router");
              });
    }

    Deployment istiod = admin.apps().deployments().inNamespace(NS).withName("istiod").get();
    assertThat(istiod.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("docker.io/istio/pilot:1.30.3");
    assertThat(istiod.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(admin.pods().inNamespace(NS).withLabel("app", "istiod").list().getItems())
        .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));
    assertThat(admin.services().inNamespace(NS).withName("istiod").get().getSpec().getPorts())
        .extracting(p -> p.getPort())
        .containsExactly(15010, 15012, 443, 15014);
    assertThat(admin.configMaps().inNamespace(NS).withName("istio").get().getData().get("mesh"))
        .as("mesh config of %s", Serialization.asYaml(mcp))
        .contains("discoveryAddress: istiod.istio-system.svc:15012")
        .contains("accessLogFile: /dev/stdout");
    assertThat(admin.serviceAccounts().inNamespace(NS).withName("istiod").get()).isNotNull();
    assertThat(admin.rbac().roles().inNamespace(NS).withName("istiod").get()).isNotNull();
    assertThat(admin.rbac().roleBindings().inNamespace(NS).withName("istiod").get()).isNotNull();
    for (String name :
        List.of(
            "istiod-clusterrole-istio-system",
            "istiod-gateway-controller-istio-system",
            "istio-reader-clusterrole-istio-system")) {
      assertThat(admin.rbac().clusterRoles().withName(name).get()).as(name).isNotNull();
      assertThat(admin.rbac().clusterRoleBindings().withName(name).get()).as(name).isNotNull();
      // Secrets come from the operator's static ClusterRoles, bound below.
      assertThat(admin.rbac().clusterRoles().withName(name).get().getRules())
          .as(name)
          .noneMatch(r -> r.getResources().contains("secrets"));
    }
    assertThat(
            admin
                .rbac()
                .clusterRoleBindings()
                .withName("istiod-secrets-reader-istio-system")
                .get()
                .getRoleRef()
                .getName())
        .isEqualTo(OperatorRbac.ISTIOD_SECRETS_READER);
    assertThat(
            admin
                .rbac()
                .roleBindings()
                .inNamespace(NS)
                .withName("istiod-secrets")
                .get()
                .getRoleRef()
                .getName())
        .isEqualTo(OperatorRbac.ISTIOD_NAMESPACE_SECRETS);
    assertThat(
            admin
                .admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName("istio-validator-istio-system")
                .get())
        .isNotNull();
    for (String crd : IstioCrds.names()) {
      assertThat(admin.apiextensions().v1().customResourceDefinitions().withName(crd).get())
          .as(crd)
          .isNotNull();
    }
    // No Istio config object is created here: istiod's validating webhook would be called
    // through its Service's ClusterIP, and nothing serves it (containers never run locally).
    String table = kubectl("get", "meshcontrolplanes");
    System.out.println(table);
    assertThat(table.lines().findFirst().orElseThrow())
        .contains("NAMESPACE")
        .contains("VERSION")
        .contains("PROFILE")
        .contains("REVISION")
        .contains("READY")
        .contains("AGE");
    assertThat(table)
        .containsPattern(
            // The CRD's column order: Name, Age, Namespace, Profile, Version, Ready, Revision.
            "default\\s+\\S+\\s+istio-system\\s+demo\\s+1\\.30\\.3\\s+True\\s+default");
  }

  @Test
  @Order(2)
  void steadyStateMakesNoWrites() {
    awaitCondition("default", MeshControlPlaneStatus.READY, "True");
    // Let the installation settle: no operator write for a few seconds.
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                AuditLog.writesBy(AuditLog.operatorUser(), Instant.now().minusSeconds(5))
                    .isEmpty());
    Instant since = Instant.now();
    // Reconciles run every 3 s in tests (max-reconciliation-interval), and any event on a
    // managed object triggers one too: touch an object in a way that does not concern the operator.
    admin
        .serviceAccounts()
        .inNamespace(NS)
        .withName("istiod")
        .edit(
            sa -> {
              sa.getMetadata().getAnnotations().put("example.com/touched", since.toString());
              return sa;
            });
    sleep(Duration.ofSeconds(10));
    assertThat(AuditLog.writesBy(AuditLog.operatorUser(), since))
        .as("writes by the operator during a steady state of 10 s (>= 3 resyncs)")
        .isEmpty();
  }

  @Test
  @Order(3)
  void driftIsReverted() {
    admin
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("istiod")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"evil/pilot:0\"}]");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName("istiod")
                            .get()
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .isEqualTo("docker.io/istio/pilot:1.30.3"));

    String uid = admin.services().inNamespace(NS).withName("istiod").get().getMetadata().getUid();
    admin.services().inNamespace(NS).withName("istiod").delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var svc = admin.services().inNamespace(NS).withName("istiod").get();
              assertThat(svc).isNotNull();
              assertThat(svc.getMetadata().getUid()).isNotEqualTo(uid);
            });

    admin.rbac().clusterRoles().withName("istiod-clusterrole-istio-system").delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .rbac()
                            .clusterRoles()
                            .withName("istiod-clusterrole-istio-system")
                            .get())
                    .isNotNull()
                    .satisfies(r -> assertThat(r.getMetadata().getDeletionTimestamp()).isNull()));
  }

  @Test
  @Order(4)
  void versionChangeRollsIstiodToTheNewImage() {
    patchSpec("default", "{\"spec\":{\"version\":\"1.29.6\"}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var mcp = get("default");
              assertThat(mcp.getStatus().getVersion()).isEqualTo("1.29.6");
              assertThat(mcp.getStatus().condition(MeshControlPlaneStatus.READY))
                  .get()
                  .extracting(StatusCondition::getStatus)
                  .isEqualTo("True");
            });
    assertThat(
            admin
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("istiod")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("docker.io/istio/pilot:1.29.6");
    var events =
        admin.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> "default".equals(e.getInvolvedObject().getName()))
            .filter(e -> "MeshControlPlane".equals(e.getInvolvedObject().getKind()))
            .map(e -> e.getReason())
            .toList();
    assertThat(events).contains("RollingUpdate");
  }

  @Test
  @Order(5)
  void unsupportedVersionsAndLongDowngradesAreRefusedWithoutTouchingIstiod() {
    patchSpec("default", "{\"spec\":{\"version\":\"1.99.0\"}}");
    var refused = awaitCondition("default", MeshControlPlaneStatus.RECONCILED, "False");
    assertThat(refused.getStatus().condition(MeshControlPlaneStatus.RECONCILED).get().getMessage())
        .contains("1.99.0 is not supported")
        .contains("1.30.3");
    // Back on 1.30.3, a move to 1.28 skips a minor release downwards.
    patchSpec("default", "{\"spec\":{\"version\":\"1.30.3\"}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> assertThat(get("default").getStatus().getVersion()).isEqualTo("1.30.3"));
    patchSpec("default", "{\"spec\":{\"version\":\"1.28.10\"}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        get("default")
                            .getStatus()
                            .condition(MeshControlPlaneStatus.RECONCILED)
                            .get()
                            .getMessage())
                    .contains("more than one minor"));
    assertThat(
            admin
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("istiod")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("docker.io/istio/pilot:1.30.3");
    patchSpec("default", "{\"spec\":{\"version\":\"1.30.3\"}}");
    awaitCondition("default", MeshControlPlaneStatus.RECONCILED, "True");
  }

  @Test
  @Order(6)
  void canaryRevisionRunsBesideTheDefaultAndTheOperatorNamespaceIsRefused() {
    apply(
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: canary}
        spec: {profile: minimal, version: 1.29.6, namespace: istio-system}
        """);
    awaitCondition("canary", MeshControlPlaneStatus.READY, "True");
    assertThat(
            admin.apps().deployments().inNamespace(NS).list().getItems().stream()
                .map(d -> d.getMetadata().getName())
                .toList())
        .contains("istiod", "istiod-canary");
    assertThat(
            admin.configMaps().inNamespace(NS).withName("istio-canary").get().getData().get("mesh"))
        .contains("discoveryAddress: istiod-canary.istio-system.svc:15012");
    awaitCondition("default", MeshControlPlaneStatus.READY, "True");

    // istiod in the operator's namespace could read the webhook's and the mesh CA's Secrets.
    apply(
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: sneaky}
        spec: {profile: minimal, namespace: istio-operator}
        """);
    var sneaky = awaitCondition("sneaky", MeshControlPlaneStatus.RECONCILED, "False");
    assertThat(sneaky.getStatus().condition(MeshControlPlaneStatus.RECONCILED).get())
        .satisfies(
            c -> {
              assertThat(c.getReason()).isEqualTo("NamespaceRefused");
              assertThat(c.getMessage()).contains("operator's own namespace");
            });
    assertThat(sneaky.getStatus().condition(MeshControlPlaneStatus.READY).get().getStatus())
        .isEqualTo("False");
    assertThat(admin.apps().deployments().inNamespace("istio-operator").list().getItems())
        .noneMatch(d -> d.getMetadata().getName().startsWith("istiod"));
    assertThat(clusterScopedOf("istio-operator", "sneaky")).isEmpty();
    admin.resources(MeshControlPlane.class).withName("sneaky").delete();
  }

  @Test
  @Order(7)
  void deletingACanaryLeavesNoClusterScopedLeftovers() {
    assertThat(clusterScopedOf(NS, "canary")).hasSize(9);
    admin.resources(MeshControlPlane.class).withName("canary").delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(admin.resources(MeshControlPlane.class).withName("canary").get()).isNull();
              // Garbage collection through owner references, cluster-scoped objects included.
              assertThat(clusterScopedOf(NS, "canary")).isEmpty();
              assertThat(admin.apps().deployments().inNamespace(NS).withName("istiod-canary").get())
                  .isNull();
              assertThat(admin.configMaps().inNamespace(NS).withName("istio-canary").get())
                  .isNull();
            });
    // The default revision is untouched, and Istio's CRDs stay (users' config lives in them).
    // (demo: with the ClusterRoles and bindings of its Prometheus and Kiali addons)
    assertThat(clusterScopedOf(NS, "default")).hasSize(13);
    assertThat(
            admin
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("virtualservices.networking.istio.io")
                .get())
        .isNotNull();
  }

  @Test
  @Order(8)
  void uninstallThenDeletingTheNamespaceCompletes() {
    apply(
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: doomed}
        spec: {profile: minimal, namespace: doomed}
        """);
    // The operator creates a missing control-plane namespace, as istioctl install does.
    awaitCondition("doomed", MeshControlPlaneStatus.READY, "True");
    assertThat(admin.namespaces().withName("doomed").get()).isNotNull();
    assertThat(clusterScopedOf("doomed", "doomed")).isNotEmpty();
    admin.resources(MeshControlPlane.class).withName("doomed").delete();
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              assertThat(admin.resources(MeshControlPlane.class).withName("doomed").get()).isNull();
              assertThat(clusterScopedOf("doomed", "doomed")).isEmpty();
              assertThat(admin.apps().deployments().inNamespace("doomed").list().getItems())
                  .isEmpty();
            });
    admin.namespaces().withName("doomed").delete();
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(() -> assertThat(admin.namespaces().withName("doomed").get()).isNull());
  }

  /** Every cluster-scoped object the operator made for a control plane, listed by kind. */
  private List<String> clusterScopedOf(String namespace, String revision) {
    String selector =
        "meshoperator.dev/control-plane-namespace=" + namespace + ",istio.io/rev=" + revision;
    List<HasMetadata> found = new ArrayList<>();
    found.addAll(admin.rbac().clusterRoles().withLabelSelector(selector).list().getItems());
    found.addAll(admin.rbac().clusterRoleBindings().withLabelSelector(selector).list().getItems());
    found.addAll(
        admin
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withLabelSelector(selector)
            .list()
            .getItems());
    found.addAll(
        admin
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withLabelSelector(selector)
            .list()
            .getItems());
    return found.stream()
        .map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .flatMap(Stream::of)
        .toList();
  }

  private void namespace(String name) {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
  }

  private void apply(String yaml) {
    admin
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .serverSideApply();
  }

  private MeshControlPlane get(String name) {
    return admin.resources(MeshControlPlane.class).withName(name).get();
  }

  private void patchSpec(String name, String mergePatch) {
    admin
        .resources(MeshControlPlane.class)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private MeshControlPlane awaitCondition(String name, String type, String status) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var mcp = get(name);
              String ns = mcp == null ? NS : dev.meshoperator.model.MeshNames.namespace(mcp);
              assertThat(mcp).isNotNull();
              assertThat(mcp.getStatus()).isNotNull();
              assertThat(mcp.getStatus().getObservedGeneration())
                  .isEqualTo(mcp.getMetadata().getGeneration());
              assertThat(mcp.getStatus().condition(type))
                  .as(
                      "%s (namespace %s) %s in %s; deployments: %s",
                      name,
                      ns,
                      type,
                      mcp.getStatus().getConditions(),
                      admin.apps().deployments().inNamespace(ns).list().getItems().stream()
                          .map(
                              d ->
                                  d.getMetadata().getName()
                                      + " gen="
                                      + d.getMetadata().getGeneration()
                                      + " "
                                      + d.getStatus())
                          .toList())
                  .get()
                  .extracting(StatusCondition::getStatus)
                  .isEqualTo(status);
            });
    return get(name);
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
    assertThat(p.waitFor()).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
