package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real apiserver calls the operator's injection webhook over TLS (URL mode, CA from the
 * operator's Secret) for pods it creates, as in a cluster.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class InjectionIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private final KubernetesClient admin = LocalCluster.get().admin();

  @BeforeAll
  static void controlPlanes() {
    KubernetesClient admin = LocalCluster.get().admin();
    // The default revision (the same object MeshControlPlaneIT applies), Ready.
    WebhookEndpoint.ensureDefaultControlPlane(admin);
    WebhookEndpoint.namespace(admin, "mesh-blue", Map.of());
    apply(
        admin,
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: blue}
        spec: {profile: minimal, namespace: mesh-blue, version: 1.29.6, proxy: {logLevel: debug}}
        """);
    for (String name : List.of("blue")) {
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                var mcp = admin.resources(MeshControlPlane.class).withName(name).get();
                assertThat(mcp.getStatus()).isNotNull();
                assertThat(mcp.getStatus().condition(MeshControlPlaneStatus.READY))
                    .get()
                    .extracting(StatusCondition::getStatus)
                    .isEqualTo("True");
              });
    }
    // The webhook configuration carries the CA from the operator's Secret.
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var secret =
                  admin
                      .secrets()
                      .inNamespace("istio-operator")
                      .withName("istio-operator-webhook-tls")
                      .get();
              assertThat(secret).isNotNull();
              var hooks =
                  admin
                      .admissionRegistration()
                      .v1()
                      .mutatingWebhookConfigurations()
                      .withName("istio-sidecar-injector-istio-system")
                      .get();
              assertThat(hooks).isNotNull();
              assertThat(hooks.getWebhooks())
                  .allSatisfy(
                      w -> {
                        assertThat(w.getClientConfig().getUrl()).isEqualTo(WebhookEndpoint.URL);
                        assertThat(w.getClientConfig().getCaBundle())
                            .isEqualTo(secret.getData().get("ca-bundle.crt"));
                      });
            });
  }

  private static void apply(KubernetesClient admin, String yaml) {
    admin
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .serverSideApply();
  }

  private void namespace(String name, Map<String, String> labels) {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .serverSideApply();
  }

  private static Pod pod(String name, Map<String, String> labels, boolean hostNetwork) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withHostNetwork(hostNetwork ? true : null)
        .addNewContainer()
        .withName("app")
        .withImage("registry.example/app:1")
        .addNewPort()
        .withContainerPort(8080)
        .endPort()
        .endContainer()
        .endSpec()
        .build();
  }

  private static List<String> containerNames(Pod p) {
    return Stream.concat(
            p.getSpec().getInitContainers().stream(), p.getSpec().getContainers().stream())
        .map(Container::getName)
        .toList();
  }

  private static Container proxy(Pod p) {
    return Stream.concat(
            p.getSpec().getInitContainers().stream(), p.getSpec().getContainers().stream())
        .filter(c -> c.getName().equals("istio-proxy"))
        .findFirst()
        .orElseThrow();
  }

  private static String env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .map(e -> e.getValue())
        .orElse(null);
  }

  @Test
  void deploymentPodsInAnInjectionEnabledNamespaceComeOutInjected() {
    namespace("bookinfo", Map.of("istio-injection", "enabled"));
    admin
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("reviews")
                .withNamespace("bookinfo")
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewSelector()
                .withMatchLabels(Map.of("app", "reviews"))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of("app", "reviews", "version", "v1"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("reviews")
                .withImage("docker.io/istio/examples-bookinfo-reviews-v1:1.20.2")
                .addNewPort()
                .withContainerPort(9080)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .serverSideApply();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var pods =
                  admin
                      .pods()
                      .inNamespace("bookinfo")
                      .withLabel("app", "reviews")
                      .list()
                      .getItems();
              assertThat(pods).hasSize(2);
              assertThat(pods)
                  .allSatisfy(
                      p -> {
                        assertThat(containerNames(p))
                            .contains("istio-init", "istio-proxy", "reviews");
                        // The simulated node's kubelet is 1.35: native sidecar (restartPolicy
                        // Always).
                        assertThat(proxy(p).getRestartPolicy()).isEqualTo("Always");
                        assertThat(proxy(p).getImage()).isEqualTo("docker.io/istio/proxyv2:1.30.3");
                        assertThat(p.getMetadata().getAnnotations())
                            .containsKey("sidecar.istio.io/status");
                        assertThat(p.getMetadata().getLabels())
                            .containsEntry("security.istio.io/tlsMode", "istio");
                      });
            });
    // And kwok makes them Ready, so the Deployment becomes available.
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .apps()
                            .deployments()
                            .inNamespace("bookinfo")
                            .withName("reviews")
                            .get()
                            .getStatus()
                            .getReadyReplicas())
                    .isEqualTo(2));
  }

  @Test
  void podsAreLeftAloneWhereInjectionIsNotAsked() {
    namespace("plain", Map.of());
    Pod plain = admin.pods().inNamespace("plain").resource(pod("plain", Map.of(), false)).create();
    assertThat(containerNames(plain)).containsExactly("app");

    namespace("optout", Map.of("istio-injection", "enabled"));
    Pod optOut =
        admin
            .pods()
            .inNamespace("optout")
            .resource(pod("optout", Map.of("sidecar.istio.io/inject", "false"), false))
            .create();
    assertThat(containerNames(optOut)).containsExactly("app");

    Pod host = admin.pods().inNamespace("optout").resource(pod("host", Map.of(), true)).create();
    assertThat(containerNames(host)).containsExactly("app");
    assertThat(host.getMetadata().getAnnotations())
        .hasEntrySatisfying(
            "meshoperator.dev/injection-skipped", r -> assertThat(r).contains("host networking"));

    namespace("disabled", Map.of("istio-injection", "disabled"));
    Pod disabled =
        admin
            .pods()
            .inNamespace("disabled")
            .resource(pod("d", Map.of("sidecar.istio.io/inject", "true"), false))
            .create();
    assertThat(containerNames(disabled)).containsExactly("app");
  }

  @Test
  void aRevisionLabeledNamespaceGetsThatControlPlanesSettings() {
    namespace("blue-apps", Map.of("istio.io/rev", "blue"));
    Pod p =
        admin
            .pods()
            .inNamespace("blue-apps")
            .resource(pod("app", Map.of("app", "x"), false))
            .create();
    assertThat(containerNames(p))
        .as("containers; annotations %s", p.getMetadata().getAnnotations())
        .contains("istio-proxy");
    Container proxy = proxy(p);
    assertThat(proxy.getImage()).isEqualTo("docker.io/istio/proxyv2:1.29.6");
    assertThat(env(proxy, "CA_ADDR")).isEqualTo("istiod-blue.mesh-blue.svc:15012");
    assertThat(proxy.getArgs()).contains("--proxyLogLevel=debug");
    assertThat(p.getMetadata().getAnnotations()).containsEntry("istio.io/rev", "blue");
  }

  @Test
  void aBadAnnotationIsRefusedNamingTheAnnotation() {
    namespace("bad-annotations", Map.of("istio-injection", "enabled"));
    Pod bad = pod("bad", Map.of(), false);
    bad.getMetadata()
        .setAnnotations(Map.of("traffic.sidecar.istio.io/excludeInboundPorts", "not-a-port"));
    var thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> admin.pods().inNamespace("bad-annotations").resource(bad).create());
    assertThat(thrown).isNotNull().hasMessageContaining("excludeInboundPorts");
  }
}
