package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshoperator.api.v1alpha1.GatewayStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.api.v1alpha1.StatusCondition;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Gateways of a demo control plane (revision {@code gw}, so its profile gateways are {@code
 * istio-ingressgateway-gw} and {@code istio-egressgateway-gw}) against the local control plane:
 * created, injected by the operator's webhook and Ready; turned off and on, with exactly their
 * objects deleted and created; their address in status once the Service has one.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewaysIT {

  private static final String NS = "gw-system";
  private static final String INGRESS = "istio-ingressgateway-gw";
  private static final String EGRESS = "istio-egressgateway-gw";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final KubernetesClient admin = LocalCluster.get().admin();

  @Test
  @Order(1)
  void aDemoControlPlaneRunsReadyInjectedIngressAndEgressGateways() {
    apply(
        """
        apiVersion: meshoperator.dev/v1alpha1
        kind: MeshControlPlane
        metadata: {name: gw}
        spec: {profile: demo, namespace: gw-system}
        """);
    var mcp = awaitReady();
    assertThat(mcp.getStatus().getGateways())
        .extracting(g -> g.name + " " + g.type + " " + g.readyReplicas + "/" + g.replicas)
        .containsExactly(INGRESS + " ingress 1/1", EGRESS + " egress 1/1");
    for (String gateway : List.of(INGRESS, EGRESS)) {
      assertThat(objectsOf(gateway))
          .as(gateway)
          .containsExactlyInAnyOrder(
              "Deployment/" + gateway,
              "Service/" + gateway,
              "ServiceAccount/" + gateway,
              "RoleBinding/" + gateway);
      List<Pod> pods = podsOf(gateway);
      assertThat(pods).as(gateway).hasSize(1);
      Pod pod = pods.get(0);
      assertThat(pod.getStatus().getConditions())
          .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
      // Injected by this operator's webhook with the gateway template, for revision gw.
      assertThat(pod.getMetadata().getAnnotations()).containsKey("sidecar.istio.io/status");
      var proxy = pod.getSpec().getContainers().get(0);
      assertThat(proxy.getImage()).isEqualTo("docker.io/istio/proxyv2:1.30.3");
      assertThat(proxy.getArgs()).containsSequence("proxy", "router");
      assertThat(proxy.getEnv())
          .anyMatch(
              e ->
                  e.getName().equals("CA_ADDR")
                      && e.getValue().equals("istiod-gw.gw-system.svc:15012"));
      assertThat(pod.getSpec().getInitContainers())
          .as("no istio-init for gateways")
          .isNullOrEmpty();
      assertThat(pod.getSpec().getSecurityContext().getSysctls())
          .anyMatch(s -> s.getName().equals("net.ipv4.ip_unprivileged_port_start"));
    }
    // The gateways can read TLS Secrets in their namespace (SDS), and only there.
    assertThat(canListSecrets(INGRESS, NS)).isTrue();
    assertThat(canListSecrets(INGRESS, "default")).isFalse();
  }

  @Test
  @Order(2)
  void turningAGatewayOffAndOnDeletesAndCreatesExactlyItsObjects() {
    Map<String, String> ingressBefore = uidsOf(INGRESS);
    patchSpec("{\"spec\":{\"gateways\":[{\"name\":\"" + EGRESS + "\",\"enabled\":false}]}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(objectsOf(EGRESS)).isEmpty();
              assertThat(podsOf(EGRESS)).isEmpty();
              assertThat(get().getStatus().getGateways())
                  .extracting(g -> g.name)
                  .containsExactly(INGRESS);
            });
    // The ingress gateway was not touched: same objects, same pod.
    assertThat(uidsOf(INGRESS)).isEqualTo(ingressBefore);

    patchSpec("{\"spec\":{\"gateways\":null}}");
    var mcp = awaitReady();
    assertThat(mcp.getStatus().getGateways())
        .extracting(g -> g.name)
        .containsExactly(INGRESS, EGRESS);
    assertThat(objectsOf(EGRESS)).hasSize(4);
    assertThat(uidsOf(INGRESS)).isEqualTo(ingressBefore);
  }

  @Test
  @Order(3)
  void autoscalingWithTwoReplicasAddsAnHpaAndAPdbAndRemovesThemAgain() {
    patchSpec(
        "{\"spec\":{\"gateways\":[{\"name\":\""
            + INGRESS
            + "\",\"autoscaling\":{\"enabled\":true,\"minReplicas\":2,\"maxReplicas\":3}}]}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(objectsOf(INGRESS))
                  .contains("HorizontalPodAutoscaler/" + INGRESS, "PodDisruptionBudget/" + INGRESS);
              var hpa =
                  admin
                      .autoscaling()
                      .v2()
                      .horizontalPodAutoscalers()
                      .inNamespace(NS)
                      .withName(INGRESS)
                      .get();
              assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
              assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(3);
            });
    // The egress gateway is not autoscaled: it got neither.
    assertThat(objectsOf(EGRESS)).hasSize(4);
    patchSpec("{\"spec\":{\"gateways\":null}}");
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(objectsOf(INGRESS)).hasSize(4));
    awaitReady();
  }

  @Test
  @Order(4)
  void theIngressAddressAppearsInStatusOnceTheServiceHasOne() {
    assertThat(ingress(get()).addresses).isEmpty();
    var svc = admin.services().inNamespace(NS).withName(INGRESS).get();
    svc.getStatus()
        .getLoadBalancer()
        .setIngress(
            List.of(
                new LoadBalancerIngressBuilder().withIp("203.0.113.10").build(),
                new LoadBalancerIngressBuilder().withHostname("gw.example.com").build()));
    admin.services().inNamespace(NS).resource(svc).updateStatus();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(ingress(get()).addresses)
                    .containsExactly("203.0.113.10", "gw.example.com"));
    assertThat(ingress(get()).ports).contains("http2:80");
  }

  /** Gateways do not restart when only istiod changes. */
  @Test
  @Order(5)
  void changingIstiodLeavesTheGatewaysAlone() {
    Map<String, String> before = new TreeMap<>(uidsOf(INGRESS));
    before.putAll(uidsOf(EGRESS));
    long generation = deploymentGeneration(INGRESS);
    patchSpec(
        "{\"spec\":{\"istiod\":{\"env\":[{\"name\":\"PILOT_TRACE_SAMPLING\",\"value\":\"5\"}]}}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName("istiod-gw")
                            .get()
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getEnv())
                    .anyMatch(e -> e.getName().equals("PILOT_TRACE_SAMPLING")));
    awaitReady();
    Map<String, String> after = new TreeMap<>(uidsOf(INGRESS));
    after.putAll(uidsOf(EGRESS));
    assertThat(after).isEqualTo(before);
    assertThat(deploymentGeneration(INGRESS)).isEqualTo(generation);
  }

  @Test
  @Order(6)
  void deletingTheControlPlaneTakesItsGatewaysAlong() {
    admin.resources(MeshControlPlane.class).withName("gw").delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(objectsOf(INGRESS)).isEmpty();
              assertThat(objectsOf(EGRESS)).isEmpty();
            });
  }

  private static GatewayStatus ingress(MeshControlPlane mcp) {
    return mcp.getStatus().getGateways().stream()
        .filter(g -> g.name.equals(INGRESS))
        .findFirst()
        .orElseThrow();
  }

  /** Every object of {@code gateway}, listed by its labels, as {@code Kind/name}. */
  private List<String> objectsOf(String gateway) {
    String selector = "app.kubernetes.io/component=gateway,app.kubernetes.io/name=" + gateway;
    List<HasMetadata> found = new ArrayList<>();
    found.addAll(
        admin.apps().deployments().inNamespace(NS).withLabelSelector(selector).list().getItems());
    found.addAll(admin.services().inNamespace(NS).withLabelSelector(selector).list().getItems());
    found.addAll(
        admin.serviceAccounts().inNamespace(NS).withLabelSelector(selector).list().getItems());
    found.addAll(
        admin.rbac().roleBindings().inNamespace(NS).withLabelSelector(selector).list().getItems());
    found.addAll(
        admin
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(NS)
            .withLabelSelector(selector)
            .list()
            .getItems());
    found.addAll(
        admin
            .policy()
            .v1()
            .podDisruptionBudget()
            .inNamespace(NS)
            .withLabelSelector(selector)
            .list()
            .getItems());
    return found.stream()
        .filter(o -> o.getMetadata().getDeletionTimestamp() == null)
        .map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .toList();
  }

  private List<Pod> podsOf(String gateway) {
    return admin
        .pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/name", gateway)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** The UIDs of a gateway's objects and pods: unchanged UIDs mean nothing was recreated. */
  private Map<String, String> uidsOf(String gateway) {
    Map<String, String> uids = new TreeMap<>();
    String selector = "app.kubernetes.io/component=gateway,app.kubernetes.io/name=" + gateway;
    admin
        .apps()
        .deployments()
        .inNamespace(NS)
        .withLabelSelector(selector)
        .list()
        .getItems()
        .forEach(
            d -> uids.put("Deployment/" + d.getMetadata().getName(), d.getMetadata().getUid()));
    admin
        .services()
        .inNamespace(NS)
        .withLabelSelector(selector)
        .list()
        .getItems()
        .forEach(s -> uids.put("Service/" + s.getMetadata().getName(), s.getMetadata().getUid()));
    podsOf(gateway)
        .forEach(p -> uids.put("Pod/" + p.getMetadata().getName(), p.getMetadata().getUid()));
    return uids;
  }

  private long deploymentGeneration(String name) {
    return admin
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(name)
        .get()
        .getMetadata()
        .getGeneration();
  }

  private boolean canListSecrets(String serviceAccount, String namespace) {
    var review =
        new io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser("system:serviceaccount:" + NS + ":" + serviceAccount)
            .withGroups("system:serviceaccounts", "system:serviceaccounts:" + NS)
            .withNewResourceAttributes()
            .withNamespace(namespace)
            .withVerb("list")
            .withResource("secrets")
            .endResourceAttributes()
            .endSpec()
            .build();
    return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
  }

  private MeshControlPlane awaitReady() {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var mcp = get();
              assertThat(mcp).isNotNull();
              assertThat(mcp.getStatus()).isNotNull();
              assertThat(mcp.getStatus().getObservedGeneration())
                  .isEqualTo(mcp.getMetadata().getGeneration());
              assertThat(mcp.getStatus().condition(MeshControlPlaneStatus.READY))
                  .as("%s", mcp.getStatus().getConditions())
                  .get()
                  .extracting(StatusCondition::getStatus)
                  .isEqualTo("True");
            });
    return get();
  }

  private MeshControlPlane get() {
    return admin.resources(MeshControlPlane.class).withName("gw").get();
  }

  private void patchSpec(String mergePatch) {
    admin
        .resources(MeshControlPlane.class)
        .withName("gw")
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private void apply(String yaml) {
    admin
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .serverSideApply();
  }
}
