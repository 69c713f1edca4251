package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import dev.meshoperator.testing.ProjectDir;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Gateway API gateways, deployed by the operator (istiod's deployment controller is off): with the
 * Gateway API CRDs of {@code sigs.k8s.io/gateway-api} (standard channel, from the Go module proxy
 * through {@code hack/gateway-api-crds.sh}) installed, a {@code Gateway} of class istio gets its
 * Deployment, Service and ServiceAccount under the names istiod's controllers use, and its pod is
 * injected by the operator's webhook and Ready. {@code Programmed} is istiod's to write (its status
 * controller, from the Service found under that name); no istiod runs here, so this test checks
 * what the operator owns: the objects istiod's status controller reads.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayApiIT {

  private static final String CP_NS = "gwapi-system";
  private static final String APPS = "gwapi-apps";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final KubernetesClient admin = LocalCluster.get().admin();

  @Test
  @Order(1)
  void aGatewayOfClassIstioGetsAnInjectedReadyDeploymentAndItsService() throws Exception {
    installGatewayApiCrds();
    // JOSDK looks for the CRD during reconciles, at most every 10 s: let that interval pass, so
    // the new control plane's first reconcile finds it.
    Thread.sleep(11_000);
    WebhookEndpoint.namespace(admin, APPS, java.util.Map.of());
    apply(
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: gwapi}
        spec: {profile: minimal, namespace: gwapi-system}
        """);
    awaitReady();
    apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: bookinfo-gateway, namespace: gwapi-apps, labels: {istio.io/rev: gwapi}}
        spec:
          gatewayClassName: istio
          listeners:
          - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}
        """);
    apply(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: not-ours, namespace: gwapi-apps, labels: {istio.io/rev: gwapi}}
        spec:
          gatewayClassName: some-other-class
          listeners:
          - {name: http, port: 80, protocol: HTTP}
        """);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(objects())
                  .containsExactlyInAnyOrder(
                      "Deployment/bookinfo-gateway-istio",
                      "Service/bookinfo-gateway-istio",
                      "ServiceAccount/bookinfo-gateway-istio");
              List<Pod> pods = pods();
              assertThat(pods).hasSize(1);
              assertThat(pods.get(0).getStatus().getConditions())
                  .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
            });
    var svc = admin.services().inNamespace(APPS).withName("bookinfo-gateway-istio").get();
    assertThat(svc.getSpec().getSelector())
        .containsEntry("gateway.networking.k8s.io/gateway-name", "bookinfo-gateway");
    assertThat(svc.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort())
        .containsExactly("status-port:15021", "http:80");
    Pod pod = pods().get(0);
    assertThat(pod.getMetadata().getAnnotations()).containsKey("sidecar.istio.io/status");
    var proxy = pod.getSpec().getContainers().get(0);
    assertThat(proxy.getName()).isEqualTo("istio-proxy");
    assertThat(proxy.getImage()).isEqualTo("docker.io/istio/proxyv2:1.30.3");
    assertThat(proxy.getArgs()).containsSequence("proxy", "router");
    assertThat(proxy.getEnv())
        .anyMatch(
            e ->
                e.getName().equals("CA_ADDR")
                    && e.getValue().equals("istiod-gwapi.gwapi-system.svc:15012"));
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("bookinfo-gateway-istio");
    // istiod's own deployment controller is off, so only one party deploys Gateways.
    assertThat(
            admin
                .apps()
                .deployments()
                .inNamespace(CP_NS)
                .withName("istiod-gwapi")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .anyMatch(
            e ->
                e.getName().equals("PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER")
                    && e.getValue().equals("false"));
  }

  @Test
  @Order(2)
  void deletingTheGatewayDeletesItsObjects() {
    admin.resources(Gateway.class).inNamespace(APPS).withName("bookinfo-gateway").delete();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(objects()).isEmpty());
    admin.resources(Gateway.class).inNamespace(APPS).withName("not-ours").delete();
    admin.resources(MeshControlPlane.class).withName("gwapi").delete();
  }

  private List<String> objects() {
    String selector = "app.kubernetes.io/component=kube-gateway";
    List<HasMetadata> found = new ArrayList<>();
    found.addAll(
        admin.apps().deployments().inNamespace(APPS).withLabelSelector(selector).list().getItems());
    found.addAll(admin.services().inNamespace(APPS).withLabelSelector(selector).list().getItems());
    found.addAll(
        admin.serviceAccounts().inNamespace(APPS).withLabelSelector(selector).list().getItems());
    return found.stream()
        .filter(o -> o.getMetadata().getDeletionTimestamp() == null)
        .map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .toList();
  }

  private List<Pod> pods() {
    return admin
        .pods()
        .inNamespace(APPS)
        .withLabel("gateway.networking.k8s.io/gateway-name", "bookinfo-gateway")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** The standard channel's CRDs, as {@code kubectl apply -f standard-install.yaml} would. */
  private void installGatewayApiCrds() throws Exception {
    Path script = ProjectDir.get().resolve("hack/gateway-api-crds.sh");
    Process p = new ProcessBuilder("bash", script.toString()).start();
    var out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    String yaml = Files.readString(Path.of(lines[lines.length - 1]));
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.isBlank()) {
        continue;
      }
      var crd = Serialization.unmarshal(doc, CustomResourceDefinition.class);
      admin.resource(crd).forceConflicts().serverSideApply();
    }
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName("gateways.gateway.networking.k8s.io")
                            .get()
                            .getStatus()
                            .getConditions())
                    .anyMatch(
                        c -> c.getType().equals("Established") && c.getStatus().equals("True")));
  }

  private void awaitReady() {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var mcp = admin.resources(MeshControlPlane.class).withName("gwapi").get();
              assertThat(mcp).isNotNull();
              assertThat(mcp.getStatus()).isNotNull();
              assertThat(mcp.getStatus().condition(MeshControlPlaneStatus.READY))
                  .get()
                  .extracting(StatusCondition::getStatus)
                  .isEqualTo("True");
            });
  }

  private void apply(String yaml) {
    admin
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .serverSideApply();
  }
}
