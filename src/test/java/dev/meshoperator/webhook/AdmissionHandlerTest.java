package dev.meshoperator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handler without a cluster: its registry holds fixed objects (none unless a test adds). */
class AdmissionHandlerTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AdmissionHandler handler =
      new AdmissionHandler(MeshRegistry.fixed(List.of(), List.of(), List.of()), meters);

  private com.fasterxml.jackson.databind.JsonNode review(String json) {
    return handler.review(json.getBytes(StandardCharsets.UTF_8)).path("response");
  }

  @Test
  void aNullListElementInThePodIsRefusedAsMalformedNamingWhere() {
    var response =
        review(
            """
            {"request": {"uid": "u1", "object": {"metadata": {"name": "p"},
              "spec": {"containers": [{"name": "a", "env": [{"name": "X"}, null]}]}}}}
            """);
    assertThat(response.path("uid").asText()).isEqualTo("u1");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .isEqualTo(
            "request.object is not a valid Pod: null list element at /spec/containers/0/env/1");
    assertThat(meters.counter("istio_operator_injection_requests", "outcome", "malformed").count())
        .isEqualTo(1.0);
  }

  @Test
  void pointersEscapeKeys() {
    var response =
        review(
            """
            {"request": {"uid": "u2", "object": {"metadata": {"annotations": {"a/b~c": [null]}}}}}
            """);
    assertThat(response.path("status").path("message").asText())
        .endsWith("at /metadata/annotations/a~1b~0c/0");
  }

  @Test
  void nullMembersOfObjectsAreNotListElements() throws Exception {
    var object =
        new ObjectMapper()
            .readTree(
                """
                {"metadata": {"labels": null, "name": "p"},
                 "spec": {"containers": [{"name": "a", "command": ["sh"], "ports": []}],
                          "nodeSelector": null}}
                """);
    assertThat(AdmissionHandler.dropNullFields(object)).isNull();
    assertThat(object.toString())
        .isEqualTo(
            "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"a\","
                + "\"command\":[\"sh\"],\"ports\":[]}]}}");
    var response =
        review(
            "{\"request\": {\"uid\": \"u3\", \"namespace\": \"plain\", \"object\": "
                + object
                + "}}");
    // No control plane is known here: allowed, not injected.
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("status")).isFalse();
  }

  @Test
  void deepNestingDoesNotOverflowTheStack() {
    String deep = "[".repeat(990) + "null" + "]".repeat(990);
    var response = review("{\"request\": {\"uid\": \"u4\", \"object\": {\"x\": " + deep + "}}}");
    assertThat(response.path("status").path("message").asText())
        .startsWith("request.object is not a valid Pod: null list element at /x/0/0/0/");
  }

  @Test
  void longMessagesAreCutAndSaySo() {
    String value = "x".repeat(3_000_000);
    var response =
        review(
            "{\"request\": {\"uid\": \"u5\", \"object\": {\"spec\": {\"containers\":"
                + " [{\"name\": \"a\", \"ports\": [{\"containerPort\": \""
                + value
                + "\"}]}]}}}}");
    // Whatever a refusal quotes from the request, it is bounded.
    assertThat(response.path("status").path("message").asText())
        .startsWith("request.object is not a valid Pod")
        .hasSizeLessThanOrEqualTo(AdmissionHandler.MAX_MESSAGE + 30);
    String quoted = "invalid value '" + value + "' for annotation 'a/b': '" + value + "' is bad";
    assertThat(AdmissionHandler.bounded(quoted))
        .isEqualTo(
            "invalid value '"
                + "x".repeat(AdmissionHandler.MAX_QUOTED)
                + "... (3000000 characters)' for annotation 'a/b': '"
                + "x".repeat(AdmissionHandler.MAX_QUOTED)
                + "... (3000000 characters)' is bad");
    // Unquoted: the middle goes.
    String cut = AdmissionHandler.bounded("start " + value + " end");
    assertThat(cut)
        .startsWith("start xxx")
        .contains(
            " [" + (value.length() + 10 - AdmissionHandler.MAX_MESSAGE) + " characters left out] ")
        .endsWith("xxx end")
        .hasSizeLessThan(AdmissionHandler.MAX_MESSAGE + 40);
    String pairs = "\ud83d\ude00".repeat(1000); // 2000 chars, pairs across both cut points
    String cutPairs = AdmissionHandler.bounded("x" + pairs + "y");
    assertThat(cutPairs)
        .startsWith("x" + pairs.substring(0, 510) + " [")
        .endsWith("] " + pairs.substring(0, 510) + "y");
    assertThat(AdmissionHandler.bounded("short")).isEqualTo("short");
  }

  private static final String POD_REVIEW =
      """
      {"request": {"uid": "u9", "namespace": "apps", "kind": {"kind": "Pod"},
        "object": {"metadata": {"name": "p", "namespace": "apps"},
                   "spec": {"containers": [{"name": "app", "image": "example/app:1"}]}}}}
      """;

  @Test
  void aRequestWithoutUidIsRefused() {
    for (String request :
        List.of(
            "{\"request\": {\"object\": {\"metadata\": {\"name\": \"p\"}}}}",
            "{\"request\": {\"uid\": \"\", \"object\": {}}}",
            "{\"request\": {\"uid\": 7, \"object\": {}}}")) {
      var response = review(request);
      assertThat(response.path("allowed").asBoolean()).as(request).isFalse();
      assertThat(response.path("status").path("message").asText())
          .isEqualTo("request.uid is required");
    }
  }

  @Test
  void whileTheCachesAreNotSyncedPodsAreRefusedNeverAdmittedUninjected() {
    // A registry whose informers never started: exactly what a failed start looks like.
    var notReady = new AdmissionHandler(new MeshRegistry(null), meters);
    var response = notReady.review(POD_REVIEW.getBytes(StandardCharsets.UTF_8)).path("response");
    assertThat(response.path("uid").asText()).isEqualTo("u9");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.has("patch")).isFalse();
    assertThat(response.path("status").path("message").asText()).contains("not ready");
    assertThat(meters.counter("istio_operator_injection_requests", "outcome", "not-ready").count())
        .isEqualTo(1.0);
  }

  @Test
  void nullFieldsOfAnInjectedPodAreAbsentFieldsNotNullLists() {
    // Found by AdmissionEndpointFuzzIT: "initContainers": null reached the injector as a null
    // list (NullPointerException, answered by the catch-all) once it read the review's own tree.
    var injected =
        injectWith(
            List.of(),
            """
            {"request": {"uid": "u10", "namespace": "apps", "kind": {"kind": "Pod"},
              "object": {"metadata": {"name": "p", "namespace": "apps", "annotations": null,
                                      "creationTimestamp": null},
                         "spec": {"initContainers": null, "volumes": null,
                                  "containers": [{"name": "app", "image": "example/app:1",
                                                  "env": null, "ports": null}]}}}}
            """);
    assertThat(injected.patch()).contains("istio-proxy", "istio-init");
    assertThat(injected.patch()).doesNotContain("creationTimestamp");
  }

  @Test
  void withoutNodeInformationTheSidecarIsClassicAndTheAnswerSaysSo() {
    var classic = injectWith(List.of());
    assertThat(classic.patch()).contains(CLASSIC);
    assertThat(classic.response().path("warnings").get(0).asText())
        .isEqualTo(MeshRegistry.NO_NODE_INFORMATION);
    var modern = injectWith(List.of(node("v1.35.4")));
    assertThat(modern.response().has("warnings")).isFalse();
    assertThat(modern.patch()).doesNotContain(CLASSIC).contains("istio-proxy");
    var old = injectWith(List.of(node("v1.35.4"), node("v1.29.0")));
    assertThat(old.response().has("warnings")).as("nodes known: no fallback note").isFalse();
    assertThat(old.patch()).contains(CLASSIC);
  }

  @Test
  void aRefusedVersionChangeKeepsInjectingTheRunningVersion() {
    MeshControlPlane refused =
        Serialization.unmarshal(
            """
            apiVersion: meshoperator.dev/v1alpha1
            kind: MeshControlPlane
            metadata: {name: default, creationTimestamp: "2026-01-01T00:00:00Z"}
            spec: {profile: default, version: 1.20.0}
            status:
              version: 1.30.3
              conditions:
              - {type: Reconciled, status: "False", reason: VersionRefused, message: refused}
            """,
            MeshControlPlane.class);
    Namespace apps =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("apps")
            .addToLabels("istio-injection", "enabled")
            .endMetadata()
            .build();
    var h =
        new AdmissionHandler(
            MeshRegistry.fixed(List.of(refused), List.of(apps), List.of(node("v1.35.4"))), meters);
    var response = h.review(POD_REVIEW.getBytes(StandardCharsets.UTF_8)).path("response");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    String patch =
        new String(
            Base64.getDecoder().decode(response.path("patch").asText()), StandardCharsets.UTF_8);
    assertThat(patch).contains("docker.io/istio/proxyv2:1.30.3").doesNotContain("1.20.0");
  }

  @Test
  void podsOfAControlPlaneThatCannotBeReadAreRefusedNotAdmittedBare() {
    MeshControlPlane unreadable =
        Serialization.unmarshal(
            """
            apiVersion: meshoperator.dev/v1alpha1
            kind: MeshControlPlane
            metadata: {name: default, creationTimestamp: "2026-01-01T00:00:00Z"}
            spec: {istiod: {replicas: 2147483648}}
            """,
            MeshControlPlane.class);
    Namespace apps =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("apps")
            .addToLabels("istio-injection", "enabled")
            .endMetadata()
            .build();
    var h =
        new AdmissionHandler(
            MeshRegistry.fixed(List.of(unreadable), List.of(apps), List.of(node("v1.35.4"))),
            meters);
    var response = h.review(POD_REVIEW.getBytes(StandardCharsets.UTF_8)).path("response");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .contains("MeshControlPlane default cannot be read: spec.istiod.replicas")
        .contains("refused rather than created without its sidecar");
  }

  @Test
  void theDurationIsAPrometheusHistogram() {
    var prometheus =
        new io.micrometer.prometheus.PrometheusMeterRegistry(
            io.micrometer.prometheus.PrometheusConfig.DEFAULT);
    new AdmissionHandler(MeshRegistry.fixed(List.of(), List.of(), List.of()), prometheus)
        .review(POD_REVIEW.getBytes(StandardCharsets.UTF_8));
    assertThat(prometheus.scrape())
        .contains(
            "istio_operator_injection_duration_seconds_bucket{outcome=\"skipped\",le=\"0.001\"")
        .contains(
            "istio_operator_injection_duration_seconds_bucket{outcome=\"skipped\",le=\"+Inf\"");
  }

  /** sidecar.istio.io/status of a pod whose istio-proxy is a regular container. */
  private static final String CLASSIC = "\\\"containers\\\":[\\\"istio-proxy\\\"]";

  private record Injected(com.fasterxml.jackson.databind.JsonNode response, String patch) {}

  private Injected injectWith(List<Node> nodes) {
    return injectWith(nodes, POD_REVIEW);
  }

  private Injected injectWith(List<Node> nodes, String review) {
    MeshControlPlane mcp =
        Serialization.unmarshal(
            """
            apiVersion: meshoperator.dev/v1alpha1
            kind: MeshControlPlane
            metadata: {name: default, namespace: istio-system,
                       creationTimestamp: "2026-01-01T00:00:00Z"}
            spec: {profile: default}
            """,
            MeshControlPlane.class);
    Namespace apps =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("apps")
            .addToLabels("istio-injection", "enabled")
            .endMetadata()
            .build();
    var h = new AdmissionHandler(MeshRegistry.fixed(List.of(mcp), List.of(apps), nodes), meters);
    var response = h.review(review.getBytes(StandardCharsets.UTF_8)).path("response");
    assertThat(response.path("allowed").asBoolean()).as(response.toString()).isTrue();
    return new Injected(
        response,
        new String(
            Base64.getDecoder().decode(response.path("patch").asText()), StandardCharsets.UTF_8));
  }

  private static Node node(String kubelet) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("n-" + kubelet)
        .endMetadata()
        .withNewStatus()
        .withNewNodeInfo()
        .withKubeletVersion(kubelet)
        .endNodeInfo()
        .endStatus()
        .build();
  }
}
