package dev.meshoperator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The injection endpoint called directly over HTTPS, the way the apiserver calls it, trusting only
 * the CA in the operator's webhook Secret: HTTP-level refusals (400, 415), AdmissionReview-level
 * refusals (200 with allowed=false), injection answered with a JSON patch, and its metrics.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class AdmissionEndpointIT {

  private static final String NS = "endpoint-inject";
  private static RestAssuredConfig tls;

  @BeforeAll
  static void setUp() {
    var admin = LocalCluster.get().admin();
    WebhookEndpoint.ensureDefaultControlPlane(admin);
    WebhookEndpoint.namespace(admin, NS, Map.of("istio-injection", "enabled"));
    WebhookEndpoint.namespace(admin, "endpoint-plain", Map.of());
    tls =
        RestAssuredConfig.config()
            .sslConfig(
                SSLConfig.sslConfig()
                    .trustStore(WebhookEndpoint.trustStore(WebhookEndpoint.caBundlePem(admin))));
    // The operator learns namespace labels and control planes from informers: wait until it
    // injects here before the tests assert on exact answers.
    await()
        .atMost(WebhookEndpoint.TIMEOUT)
        .untilAsserted(
            () ->
                post(WebhookEndpoint.podReview(NS, "warm-up").toString())
                    .then()
                    .statusCode(200)
                    .body("response.patchType", org.hamcrest.Matchers.equalTo("JSONPatch")));
  }

  private static RequestSpecification https() {
    return given().config(tls).contentType("application/json");
  }

  private static Response post(String body) {
    return https().body(body.getBytes(StandardCharsets.UTF_8)).post(WebhookEndpoint.URL);
  }

  private static JsonNode answer(String body) throws Exception {
    Response r = post(body);
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("application/json");
    JsonNode review = WebhookEndpoint.JSON.readTree(r.asByteArray());
    assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(review.path("response").path("allowed").isBoolean()).isTrue();
    return review.path("response");
  }

  private static void assertRefused(JsonNode response, String uid, String messagePart) {
    assertThat(response.path("uid").asText()).isEqualTo(uid);
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.has("patch")).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(400);
    assertThat(response.path("status").path("message").asText()).contains(messagePart);
  }

  // --- HTTP-level refusals -------------------------------------------------------------------

  @Test
  void anEmptyBodyIsABadRequest() {
    https()
        .body(new byte[0])
        .post(WebhookEndpoint.URL)
        .then()
        .statusCode(400)
        .contentType("text/plain")
        .body(org.hamcrest.Matchers.equalTo("empty body: expected an AdmissionReview"));
  }

  @Test
  void aBodyOverTheLimitIsRefusedBeforeItIsRead() {
    byte[] big = new byte[5 * 1024 * 1024];
    Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    https()
        .body(big)
        .post(WebhookEndpoint.URL)
        .then()
        .statusCode(413)
        .contentType("text/plain")
        .body(org.hamcrest.Matchers.equalTo("body of 5242880 bytes exceeds 4194304"));
  }

  @Test
  void aBodyExactlyAtTheLimitIsRead() throws Exception {
    // 4 MiB of whitespace after a review that is not about a Pod: read, decoded and answered.
    String review =
        WebhookEndpoint.review(
                "at-limit", "Service", NS, WebhookEndpoint.JSON.createObjectNode().put("x", 1))
            .toString();
    byte[] body = new byte[4 * 1024 * 1024];
    Arrays.fill(body, (byte) ' ');
    System.arraycopy(review.getBytes(StandardCharsets.UTF_8), 0, body, 0, review.length());
    Response r = https().body(body).post(WebhookEndpoint.URL);
    assertThat(r.statusCode()).isEqualTo(200);
    assertRefused(
        WebhookEndpoint.JSON.readTree(r.asByteArray()).path("response"),
        "at-limit",
        "only admits Pods");
  }

  @Test
  void otherContentTypesAreUnsupported() {
    String review = WebhookEndpoint.podReview(NS, "typed").toString();
    for (String type : List.of("text/plain", "application/xml", "application/octet-stream")) {
      Response r =
          given()
              .config(tls)
              .contentType(type)
              .body(review.getBytes(StandardCharsets.UTF_8))
              .post(WebhookEndpoint.URL);
      assertThat(r.statusCode()).as(type).isEqualTo(415);
      // Refused before the body is read: no AdmissionReview, a plain-text reason.
      assertThat(r.asString()).as(type).startsWith("expected Content-Type application/json");
    }
  }

  // --- AdmissionReview-level refusals --------------------------------------------------------

  @Test
  void aBodyThatIsNotJsonIsRefusedInAnAdmissionReview() throws Exception {
    JsonNode response = answer("this is not JSON {");
    assertRefused(response, "", "request body is not a JSON AdmissionReview");
    // Truncated JSON, with a uid the decoder never reached.
    String truncated = WebhookEndpoint.podReview(NS, "cut").toString();
    assertRefused(
        answer(truncated.substring(0, truncated.length() / 2)),
        "",
        "request body is not a JSON AdmissionReview");
  }

  @Test
  void jsonThatIsNotAnAdmissionReviewIsRefused() throws Exception {
    for (String body : List.of("[1,2,3]", "\"review\"", "42", "null", "{}", "{\"request\":7}")) {
      assertRefused(answer(body), "", "not an AdmissionReview with a request");
    }
    // A request without an object: the uid it carries is echoed.
    assertRefused(
        answer("{\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"no-object\"}}"),
        "no-object",
        "only admits Pods");
  }

  @Test
  void anObjectThatIsNotAPodIsRefusedEchoingTheUid() throws Exception {
    ObjectNode service = WebhookEndpoint.JSON.createObjectNode();
    service.put("apiVersion", "v1").put("kind", "Service");
    service.putObject("metadata").put("name", "reviews").put("namespace", NS);
    service.putObject("spec").putArray("ports").addObject().put("port", 9080);
    assertRefused(
        answer(WebhookEndpoint.review("svc-uid-1", "Service", NS, service).toString()),
        "svc-uid-1",
        "the injection webhook only admits Pods");
  }

  @Test
  void aPodThatDoesNotDecodeIsRefusedEchoingTheUid() throws Exception {
    ObjectNode pod = WebhookEndpoint.pod(NS, "wrong-types");
    ((ObjectNode) pod.path("spec").path("containers").get(0)).put("ports", "not-a-list");
    assertRefused(
        answer(WebhookEndpoint.review("bad-pod-uid", "Pod", NS, pod).toString()),
        "bad-pod-uid",
        "request.object is not a valid Pod");
  }

  @Test
  void aNullContainerIsRefusedInsteadOfFailingTheInjector() throws Exception {
    // Found by AdmissionEndpointFuzzIT: the injector threw a NullPointerException on it.
    ObjectNode pod = WebhookEndpoint.pod(NS, "null-container");
    ((com.fasterxml.jackson.databind.node.ArrayNode) pod.path("spec").path("containers")).addNull();
    assertRefused(
        answer(WebhookEndpoint.review("null-container-uid", "Pod", NS, pod).toString()),
        "null-container-uid",
        "request.object is not a valid Pod: null list element at /spec/containers/1");
  }

  // --- Injection -----------------------------------------------------------------------------

  @Test
  void aPodInAnInjectionEnabledNamespaceIsAnsweredWithAPatchThatInjects() throws Exception {
    ObjectNode review = WebhookEndpoint.podReview(NS, "reviews-v1");
    String uid = review.path("request").path("uid").asText();
    JsonNode response = answer(review.toString());
    assertThat(response.path("uid").asText()).isEqualTo(uid);
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("status")).isFalse();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");

    JsonNode patch =
        WebhookEndpoint.JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    assertThat(patch.isArray()).isTrue();
    assertThat(patch)
        .allSatisfy(op -> assertThat(op.path("op").asText()).isIn("add", "remove", "replace"));
    JsonNode input = review.path("request").path("object");
    JsonNode injected = JsonPatch.apply(patch, input);

    List<String> containers = names(injected.path("spec").path("containers"));
    List<String> inits = names(injected.path("spec").path("initContainers"));
    assertThat(containers).contains("app");
    // The simulated node's kubelet is 1.35: istio-proxy is a native sidecar (an init container).
    assertThat(concat(inits, containers)).contains("istio-proxy", "istio-init");
    JsonNode proxy = find(injected.path("spec"), "istio-proxy");
    assertThat(proxy.path("image").asText()).isEqualTo("docker.io/istio/proxyv2:1.30.3");
    assertThat(injected.path("metadata").path("annotations").has("sidecar.istio.io/status"))
        .isTrue();
    assertThat(injected.path("metadata").path("labels").path("security.istio.io/tlsMode").asText())
        .isEqualTo("istio");
    // The app container and the rest of the input survive the patch.
    assertThat(find(injected.path("spec"), "app").path("image").asText())
        .isEqualTo("registry.example/app:1");
    assertThat(injected.path("metadata").path("labels").path("app").asText())
        .isEqualTo("reviews-v1");
  }

  @Test
  void aDryRunGetsTheSameAnswer() throws Exception {
    ObjectNode review = WebhookEndpoint.podReview(NS, "dry");
    JsonNode wet = answer(review.toString());
    ((ObjectNode) review.path("request")).put("dryRun", true);
    JsonNode dry = answer(review.toString());
    assertThat(dry.path("allowed").asBoolean()).isTrue();
    assertThat(dry.path("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(dry).isEqualTo(wet);
  }

  @Test
  void aPodWhereInjectionIsNotAskedIsAllowedUnchangedButAnnotatedWithTheReason() throws Exception {
    JsonNode response = answer(WebhookEndpoint.podReview("endpoint-plain", "plain").toString());
    assertThat(response.path("allowed").asBoolean()).isTrue();
    JsonNode patch =
        WebhookEndpoint.JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    JsonNode patched = JsonPatch.apply(patch, WebhookEndpoint.pod("endpoint-plain", "plain"));
    assertThat(names(patched.path("spec").path("containers"))).containsExactly("app");
    assertThat(patched.path("spec").has("initContainers")).isFalse();
    assertThat(
            patched
                .path("metadata")
                .path("annotations")
                .path("meshoperator.dev/injection-skipped")
                .asText())
        .isNotEmpty();
  }

  @Test
  void aBadAnnotationIsRefusedNamingTheAnnotation() throws Exception {
    ObjectNode pod = WebhookEndpoint.pod(NS, "bad-annotation");
    ((ObjectNode) pod.path("metadata"))
        .putObject("annotations")
        .put("traffic.sidecar.istio.io/excludeInboundPorts", "abc");
    assertRefused(
        answer(WebhookEndpoint.review("bad-annotation-uid", "Pod", NS, pod).toString()),
        "bad-annotation-uid",
        "traffic.sidecar.istio.io/excludeInboundPorts");
  }

  @Test
  void aRefusalQuotingAHugeValueIsBounded() throws Exception {
    // Found by AdmissionEndpointFuzzIT: the refusal quoted a 3 MB annotation value in full.
    ObjectNode pod = WebhookEndpoint.pod(NS, "huge-annotation");
    ((ObjectNode) pod.path("metadata"))
        .putObject("annotations")
        .put("sidecar.istio.io/interceptionMode", "x".repeat(3_000_000));
    JsonNode response =
        answer(WebhookEndpoint.review("huge-annotation-uid", "Pod", NS, pod).toString());
    assertRefused(response, "huge-annotation-uid", "sidecar.istio.io/interceptionMode");
    assertThat(response.path("status").path("message").asText())
        .hasSizeLessThan(1100)
        .contains("... (3000000 characters)' for annotation");
  }

  // --- Metrics -------------------------------------------------------------------------------

  @Test
  void injectionRequestsAreCountedByOutcomeOnTheManagementPort() throws Exception {
    Map<String, Double> before = injectionRequests();
    answer("not json");
    answer(WebhookEndpoint.review("m-svc", "Service", NS, WebhookEndpoint.pod(NS, "s")).toString());
    answer(WebhookEndpoint.podReview(NS, "counted").toString());
    answer(WebhookEndpoint.podReview("endpoint-plain", "skipped").toString());
    ObjectNode bad = WebhookEndpoint.pod(NS, "denied");
    ((ObjectNode) bad.path("metadata"))
        .putObject("annotations")
        .put("traffic.sidecar.istio.io/excludeInboundPorts", "abc");
    answer(WebhookEndpoint.review("m-bad", "Pod", NS, bad).toString());

    Map<String, Double> after = injectionRequests();
    for (String outcome : List.of("malformed", "not-a-pod", "injected", "skipped", "denied")) {
      assertThat(after.getOrDefault(outcome, 0.0) - before.getOrDefault(outcome, 0.0))
          .as("istio_operator_injection_requests_total{outcome=%s}", outcome)
          .isGreaterThanOrEqualTo(1.0);
    }
    String metrics =
        given().get(WebhookEndpoint.METRICS).then().statusCode(200).extract().asString();
    assertThat(metrics)
        .contains("# TYPE istio_operator_injection_requests counter")
        .contains("istio_operator_injection_duration_seconds_count{outcome=\"injected\"");
  }

  private static Map<String, Double> injectionRequests() {
    String metrics =
        given().get(WebhookEndpoint.METRICS).then().statusCode(200).extract().asString();
    Matcher m =
        Pattern.compile(
                "^istio_operator_injection_requests_total\\{[^}]*outcome=\"([^\"]+)\"[^}]*} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(metrics);
    Map<String, Double> counts = new HashMap<>();
    while (m.find()) {
      counts.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return counts;
  }

  private static List<String> names(JsonNode containers) {
    List<String> names = new ArrayList<>();
    containers.forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static JsonNode find(JsonNode spec, String name) {
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : spec.path(list)) {
        if (name.equals(c.path("name").asText())) {
          return c;
        }
      }
    }
    throw new AssertionError("no container " + name + " in " + spec);
  }
}
