package dev.meshoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshoperator.testing.LocalCluster;
import dev.meshoperator.testing.LocalKubeTestResource;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Throws random and mutated AdmissionReviews at the HTTPS endpoint (seeded, bounded in count and
 * time) and checks the endpoint's contract for every one: HTTP 200 with an AdmissionReview, 400
 * (empty body), 413 (oversized body) or 415 (not JSON content), never 500, a connection error or a
 * hang; the request uid echoed; no request ending in the handler's catch-all ("injection failed");
 * and the server still injecting a valid pod afterwards.
 *
 * <p>Reproduce a run with {@code -Dfuzz.seed=N}; {@code -Dfuzz.count} and {@code -Dfuzz.seconds}
 * bound it (defaults 1500 requests, 240 s).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalKubeTestResource.class, restrictToAnnotatedClass = false)
class AdmissionEndpointFuzzIT {

  private static final String NS = "fuzz-inject";
  private static final Duration PER_REQUEST = Duration.ofSeconds(30);
  private static final int MAX_BODY = 4 * 1024 * 1024;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final List<String> ANNOTATIONS =
      List.of(
          "sidecar.istio.io/inject",
          "sidecar.istio.io/proxyCPU",
          "sidecar.istio.io/proxyCPULimit",
          "sidecar.istio.io/proxyMemory",
          "sidecar.istio.io/proxyMemoryLimit",
          "sidecar.istio.io/proxyImage",
          "sidecar.istio.io/proxyImageType",
          "sidecar.istio.io/logLevel",
          "sidecar.istio.io/componentLogLevel",
          "sidecar.istio.io/agentLogLevel",
          "sidecar.istio.io/interceptionMode",
          "sidecar.istio.io/nativeSidecar",
          "sidecar.istio.io/rewriteAppHTTPProbers",
          "sidecar.istio.io/capNetBindService",
          "sidecar.istio.io/userVolume",
          "sidecar.istio.io/userVolumeMount",
          "sidecar.istio.io/bootstrapOverride",
          "sidecar.istio.io/status",
          "status.sidecar.istio.io/port",
          "readiness.status.sidecar.istio.io/initialDelaySeconds",
          "readiness.status.sidecar.istio.io/periodSeconds",
          "readiness.status.sidecar.istio.io/failureThreshold",
          "traffic.sidecar.istio.io/includeInboundPorts",
          "traffic.sidecar.istio.io/excludeInboundPorts",
          "traffic.sidecar.istio.io/includeOutboundPorts",
          "traffic.sidecar.istio.io/excludeOutboundPorts",
          "traffic.sidecar.istio.io/includeOutboundIPRanges",
          "traffic.sidecar.istio.io/excludeOutboundIPRanges",
          "traffic.sidecar.istio.io/excludeInterfaces",
          "traffic.sidecar.istio.io/kubevirtInterfaces",
          "proxy.istio.io/config",
          "proxy.istio.io/overrides",
          "inject.istio.io/templates",
          "prometheus.istio.io/merge-metrics",
          "networking.istio.io/tunnel",
          "istio.io/rev",
          "istio.io/reroute-virtual-interfaces");

  private static final List<String> WEIRD_STRINGS =
      List.of(
          "",
          " ",
          "0",
          "-1",
          "65535",
          "65536",
          "99999999999999999999",
          "1e400",
          "NaN",
          "true",
          "false",
          "null",
          "*",
          "8080,*",
          ",,,",
          "1-2",
          "10.0.0.0/8,::/0",
          "10.0.0.0/99",
          "100Mi",
          "-5m",
          "1e3",
          "0.0000000001",
          "9999999999999Ei",
          "abc",
          "{}",
          "[]",
          "{\"a\":",
          "concurrency: 2",
          "concurrency: -1\ndrainDuration: 99999999999999999s",
          "holdApplicationUntilProxyStarts: true\nproxyMetadata: {A: B}",
          "terminationDrainDuration: 5x",
          "a: &a [*a]",
          "a: &a [1,2]\nb: [*a,*a,*a,*a]",
          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]",
          "{\"vol\":{\"emptyDir\":{}}}",
          "{\"vol\":{\"hostPath\":{\"path\":\"/\"}}}",
          "[{\"name\":\"x\"}]",
          "spec:\n  containers: 7",
          "sidecar",
          "gateway,grpc-agent,unknown",
          "\u0000",
          "\u202eevil",
          "\ud83d\ude00",
          "\ud800",
          "é".repeat(300));

  private static HttpClient http;
  private static long seed;

  @BeforeAll
  static void setUp() {
    var admin = LocalCluster.get().admin();
    WebhookEndpoint.ensureDefaultControlPlane(admin);
    WebhookEndpoint.namespace(admin, NS, Map.of("istio-injection", "enabled"));
    http =
        HttpClient.newBuilder()
            .sslContext(WebhookEndpoint.sslContext(WebhookEndpoint.caBundlePem(admin)))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    seed = Long.getLong("fuzz.seed", System.nanoTime());
    // The operator sees the namespace label and the control plane through informers.
    org.awaitility.Awaitility.await()
        .atMost(WebhookEndpoint.TIMEOUT)
        .untilAsserted(AdmissionEndpointFuzzIT::assertInjects);
  }

  /** One generated input, with what it must get back beyond the general contract. */
  record Case(String label, String contentType, byte[] body, Integer expectedStatus) {
    static Case json(String label, byte[] body) {
      return new Case(label, "application/json", body, null);
    }

    static Case json(String label, String body) {
      return json(label, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void everyInputIsAnsweredWithinTheContractAndTheServerKeepsInjecting() throws Exception {
    int count = Integer.getInteger("fuzz.count", 1500);
    Duration budget = Duration.ofSeconds(Long.getLong("fuzz.seconds", 240));
    System.out.printf(
        "AdmissionEndpointFuzzIT: seed=%d count=%d budget=%s (reproduce: -Dfuzz.seed=%d)%n",
        seed, count, budget, seed);
    Random random = new Random(seed);
    long deadline = System.nanoTime() + budget.toNanos();
    List<String> failures = new ArrayList<>();
    Map<String, Integer> byLabel = new TreeMap<>();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    Map<String, Integer> byAnswer = new TreeMap<>();
    int sent = 0;
    for (; sent < count && System.nanoTime() < deadline && failures.size() < 20; sent++) {
      Case c = generate(random, sent);
      byLabel.merge(c.label(), 1, Integer::sum);
      try {
        HttpResponse<byte[]> r = send(c.contentType(), c.body());
        byStatus.merge(r.statusCode(), 1, Integer::sum);
        byAnswer.merge(answerKind(r), 1, Integer::sum);
        String problem = check(c, r);
        if (problem != null) {
          failures.add(describe(sent, c, problem));
        }
      } catch (Exception e) {
        failures.add(describe(sent, c, "no answer: " + e));
      }
      if (sent % 100 == 99) {
        try {
          assertInjects();
        } catch (AssertionError | Exception e) {
          failures.add("after request " + sent + " a valid review is not injected: " + e);
        }
      }
    }
    System.out.printf(
        "AdmissionEndpointFuzzIT: seed=%d sent=%d statuses=%s%n  answers=%s%n  cases=%s%n",
        seed, sent, byStatus, byAnswer, byLabel);
    assertThat(failures).as("seed %d: %d failures", seed, failures.size()).isEmpty();
    assertThat(sent).as("requests sent within the budget").isGreaterThanOrEqualTo(200);
    assertInjects();
  }

  // --- Sending and checking ------------------------------------------------------------------

  private static HttpResponse<byte[]> send(String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(WebhookEndpoint.URL))
            .timeout(PER_REQUEST)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    try {
      // The overall bound covers the body too, not only the response headers.
      return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
          .get(PER_REQUEST.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer within " + PER_REQUEST);
    }
  }

  /** A coarse class of the answer, to show what the run reached: HTTP status or outcome. */
  private static String answerKind(HttpResponse<byte[]> r) {
    if (r.statusCode() != 200) {
      return "http-" + r.statusCode();
    }
    JsonNode response = parse(r.body());
    if (response == null) {
      return "unparseable";
    }
    response = response.path("response");
    if (response.path("allowed").asBoolean()) {
      return response.has("patch")
          ? (new String(
                      Base64.getDecoder().decode(response.path("patch").asText()),
                      StandardCharsets.UTF_8)
                  .contains("istio-proxy")
              ? "injected"
              : "allowed-annotated")
          : "allowed-unchanged";
    }
    // Without the quoted values, so refusals of one kind count together.
    String message =
        response.path("status").path("message").asText("").replaceAll("(?s)'.*?'", "'…'");
    int cut = message.indexOf(':');
    return "refused: " + (cut < 0 ? message : message.substring(0, cut));
  }

  /** What is wrong with the answer to {@code c}, or null. */
  private static String check(Case c, HttpResponse<byte[]> r) {
    int status = r.statusCode();
    if (status != 200 && status != 400 && status != 413 && status != 415) {
      return "HTTP " + status + ": " + text(r.body(), 300);
    }
    if (c.expectedStatus() != null && status != c.expectedStatus()) {
      return "HTTP " + status + " where " + c.expectedStatus() + " was expected";
    }
    if (status == 400 && c.body().length != 0 && c.body().length <= MAX_BODY) {
      return "HTTP 400 for a body within the limit: " + text(r.body(), 300);
    }
    if (status != 200) {
      return null;
    }
    JsonNode answer;
    try {
      answer = WebhookEndpoint.JSON.readTree(r.body());
    } catch (Exception e) {
      return "HTTP 200 whose body is not JSON: " + text(r.body(), 300);
    }
    JsonNode response = answer.path("response");
    if (!"AdmissionReview".equals(answer.path("kind").asText())
        || !response.path("allowed").isBoolean()
        || !response.path("uid").isTextual()) {
      return "HTTP 200 whose body is not an AdmissionReview answer: " + text(r.body(), 300);
    }
    String message = response.path("status").path("message").asText("");
    if (message.length() > 1100) {
      return "a status message of " + message.length() + " characters";
    }
    if (message.startsWith("injection failed")) {
      return "the handler's catch-all answered (an unexpected exception): " + message;
    }
    JsonNode sent = parse(c.body());
    JsonNode uid = sent == null ? null : sent.path("request").path("uid");
    if (uid != null && uid.isTextual() && !uid.asText().equals(response.path("uid").asText())) {
      return "uid " + uid + " not echoed: " + response.path("uid");
    }
    if (response.has("patch")) {
      if (!response.path("allowed").asBoolean()) {
        return "a patch on a refusal";
      }
      try {
        JsonNode patch =
            WebhookEndpoint.JSON.readTree(
                Base64.getDecoder().decode(response.path("patch").asText()));
        if (!patch.isArray() || !"JSONPatch".equals(response.path("patchType").asText())) {
          return "patch is not a JSONPatch array";
        }
        // The apiserver applies the patch to the object it sent: it has to apply.
        JsonPatch.apply(patch, sent.path("request").path("object"));
      } catch (Exception e) {
        return "the patch does not apply to the request object: " + e;
      }
    }
    return null;
  }

  private static void assertInjects() throws Exception {
    ObjectNode review = WebhookEndpoint.podReview(NS, "canary");
    HttpResponse<byte[]> r =
        send("application/json", review.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode response = WebhookEndpoint.JSON.readTree(r.body()).path("response");
    assertThat(response.path("uid").asText())
        .isEqualTo(review.path("request").path("uid").asText());
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patched =
        JsonPatch.apply(
            WebhookEndpoint.JSON.readTree(
                Base64.getDecoder().decode(response.path("patch").asText())),
            review.path("request").path("object"));
    assertThat(patched.toString()).contains("\"istio-proxy\"");
  }

  private static JsonNode parse(byte[] body) {
    try {
      return WebhookEndpoint.JSON.readTree(body);
    } catch (Exception | StackOverflowError e) {
      return null;
    }
  }

  private static String describe(int index, Case c, String problem) {
    return String.format(
        "#%d %s (%s, %d bytes, starts %s): %s",
        index, c.label(), c.contentType(), c.body().length, text(c.body(), 160), problem);
  }

  private static String text(byte[] bytes, int max) {
    String s = new String(bytes, 0, Math.min(bytes.length, max * 4), StandardCharsets.UTF_8);
    return s.length() > max ? s.substring(0, max) + "..." : s;
  }

  // --- Generators ----------------------------------------------------------------------------

  private static Case generate(Random random, int index) {
    int pick = random.nextInt(100);
    if (pick < 8) {
      return randomBytes(random);
    } else if (pick < 16) {
      return truncated(random, index);
    } else if (pick < 46) {
      return mutated(random, index);
    } else if (pick < 56) {
      return annotated(random, index);
    } else if (pick < 64) {
      return deeplyNested(random, index);
    } else if (pick < 69) {
      return hugeString(random, index);
    } else if (pick < 77) {
      return unicode(random, index);
    } else if (pick < 84) {
      return numbers(random, index);
    } else if (pick < 89) {
      return contentType(random, index);
    } else if (pick < 91) {
      return sizeLimits(random, index);
    } else if (pick < 95) {
      return shapes(random, index);
    } else {
      return new Case(
          "valid",
          "application/json",
          validReview(random, index).toString().getBytes(StandardCharsets.UTF_8),
          200);
    }
  }

  private static ObjectNode validReview(Random random, int index) {
    String ns = random.nextInt(4) == 0 ? "fuzz-plain-" + random.nextInt(3) : NS;
    ObjectNode review = WebhookEndpoint.podReview(ns, "p" + index);
    ObjectNode spec = (ObjectNode) review.path("request").path("object").path("spec");
    if (random.nextBoolean()) {
      ObjectNode c = ((ArrayNode) spec.path("containers")).addObject();
      c.put("name", "second");
      c.put("image", "registry.example/second:2");
      c.putObject("readinessProbe").putObject("httpGet").put("path", "/ready").put("port", 8081);
      c.putObject("livenessProbe").putObject("tcpSocket").put("port", "http");
    }
    if (random.nextBoolean()) {
      spec.putArray("initContainers").addObject().put("name", "setup").put("image", "busybox");
    }
    if (random.nextBoolean()) {
      spec.putArray("volumes").addObject().put("name", "data").putObject("emptyDir");
    }
    if (random.nextBoolean()) {
      ((ObjectNode) review.path("request").path("object").path("metadata")).remove("name");
      ((ObjectNode) review.path("request").path("object").path("metadata"))
          .put("generateName", "p" + index + "-");
    }
    return review;
  }

  private static Case randomBytes(Random random) {
    byte[] body = new byte[random.nextInt(4096) + 1];
    random.nextBytes(body);
    if (random.nextBoolean()) {
      body[0] = '{';
    }
    return Case.json("random-bytes", body);
  }

  private static Case truncated(Random random, int index) {
    byte[] full = validReview(random, index).toString().getBytes(StandardCharsets.UTF_8);
    return Case.json("truncated", Arrays.copyOf(full, 1 + random.nextInt(full.length - 1)));
  }

  /** A valid review with 1-6 random deletions, type changes, replacements and additions. */
  private static Case mutated(Random random, int index) {
    ObjectNode review = validReview(random, index);
    for (int n = 1 + random.nextInt(6); n > 0; n--) {
      mutate(random, review);
    }
    return Case.json("mutated", review.toString());
  }

  private static void mutate(Random random, ObjectNode root) {
    List<JsonNode[]> slots = new ArrayList<>(); // {parent, key-or-index as text node}
    collect(root, slots);
    if (slots.isEmpty()) {
      root.set(randomKey(random), randomValue(random, 0));
      return;
    }
    JsonNode[] slot = slots.get(random.nextInt(slots.size()));
    ContainerNode<?> parent = (ContainerNode<?>) slot[0];
    int op = random.nextInt(4);
    if (parent instanceof ObjectNode object) {
      String key = slot[1].asText();
      switch (op) {
        case 0 -> object.remove(key);
        case 1, 2 -> object.set(key, randomValue(random, 0));
        default -> object.set(randomKey(random), randomValue(random, 0));
      }
      return;
    }
    ArrayNode array = (ArrayNode) parent;
    int i = slot[1].asInt();
    switch (op) {
      case 0 -> array.remove(i);
      case 1, 2 -> array.set(i, randomValue(random, 0));
      default -> array.add(randomValue(random, 0));
    }
  }

  private static void collect(JsonNode node, List<JsonNode[]> slots) {
    if (node instanceof ObjectNode object) {
      for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        slots.add(new JsonNode[] {object, NODES.textNode(key)});
        collect(object.get(key), slots);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        slots.add(new JsonNode[] {array, NODES.numberNode(i)});
        collect(array.get(i), slots);
      }
    }
  }

  private static String randomKey(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> "";
      case 1 -> "uid";
      case 2 -> "kind";
      case 3 -> randomUnicode(random, 12);
      default -> "extra" + random.nextInt(10);
    };
  }

  private static JsonNode randomValue(Random random, int depth) {
    int pick = random.nextInt(depth > 2 ? 14 : 17);
    return switch (pick) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextInt());
      case 3 -> NODES.numberNode(random.nextLong());
      case 4 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(300)));
      case 5 -> NODES.numberNode(BigInteger.TEN.pow(random.nextInt(400)).negate());
      case 6 -> NODES.numberNode(new BigDecimal("1E" + (random.nextInt(800) - 400)));
      case 7 -> NODES.textNode("");
      case 8 -> NODES.textNode(WEIRD_STRINGS.get(random.nextInt(WEIRD_STRINGS.size())));
      case 9 -> NODES.textNode(randomUnicode(random, random.nextInt(64)));
      case 10 -> NODES.textNode("x".repeat(random.nextInt(20000)));
      case 11 -> NODES.objectNode();
      case 12 -> NODES.arrayNode();
      case 13 -> NODES.textNode(Integer.toString(random.nextInt(70000) - 1000));
      case 14 -> {
        ArrayNode a = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          a.add(randomValue(random, depth + 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          o.set(randomKey(random), randomValue(random, depth + 1));
        }
        yield o;
      }
    };
  }

  /** A valid pod carrying Istio annotations with hostile values. */
  private static Case annotated(Random random, int index) {
    ObjectNode review = validReview(random, index);
    ObjectNode meta = (ObjectNode) review.path("request").path("object").path("metadata");
    ObjectNode annotations = meta.putObject("annotations");
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      String value =
          random.nextInt(5) == 0
              ? randomUnicode(random, random.nextInt(40))
              : WEIRD_STRINGS.get(random.nextInt(WEIRD_STRINGS.size()));
      annotations.put(ANNOTATIONS.get(random.nextInt(ANNOTATIONS.size())), value);
    }
    if (random.nextInt(4) == 0) {
      meta.putObject("labels")
          .put(random.nextBoolean() ? "sidecar.istio.io/inject" : "istio.io/rev", "true");
    }
    return Case.json("annotations", review.toString());
  }

  /** Arrays or objects nested up to far past Jackson's nesting limit, in various places. */
  private static Case deeplyNested(Random random, int index) {
    int[] depths = {64, 499, 500, 501, 900, 990, 999, 1000, 1001, 2000, 10_000, 200_000};
    int depth = depths[random.nextInt(depths.length)];
    boolean arrays = random.nextBoolean();
    String nested =
        arrays
            ? "[".repeat(depth) + "]".repeat(depth)
            : "{\"a\":".repeat(depth) + "{}" + "}".repeat(depth);
    ObjectNode review = validReview(random, index);
    ObjectNode pod = (ObjectNode) review.path("request").path("object");
    ObjectNode at =
        switch (random.nextInt(6)) {
          case 0 -> review;
          case 1 -> (ObjectNode) review.path("request");
          case 2 -> pod;
          case 3 -> (ObjectNode) pod.path("spec");
          case 4 -> (ObjectNode) pod.path("metadata");
          default -> (ObjectNode) pod.path("spec").path("containers").get(0);
        };
    String field = random.nextBoolean() ? "unknownDeep" : random.nextBoolean() ? "env" : "labels";
    at.put(field, "__NESTED__");
    String body = review.toString().replace("\"__NESTED__\"", nested);
    if (random.nextInt(5) == 0) {
      body = nested; // the whole body
    }
    return Case.json("nested-" + (arrays ? "arrays" : "objects") + "-" + depth, body);
  }

  private static Case hugeString(Random random, int index) {
    int size = random.nextInt(3_500_000) + 1;
    char ch = "aé€\\\"".charAt(random.nextInt(5));
    String huge =
        switch (ch) {
          case '\\' -> "\\\\".repeat(size / 2);
          case '"' -> "\\\"".repeat(size / 2);
          default -> String.valueOf(ch).repeat(size / (ch == 'a' ? 1 : 3));
        };
    ObjectNode review = validReview(random, index);
    ObjectNode pod = (ObjectNode) review.path("request").path("object");
    ObjectNode meta = (ObjectNode) pod.path("metadata");
    switch (random.nextInt(6)) {
      case 0 -> meta.put("name", "__HUGE__");
      case 1 -> meta.putObject("annotations").put("big", "__HUGE__");
      case 2 -> meta.putObject("annotations").put("proxy.istio.io/config", "__HUGE__");
      case 3 -> ((ObjectNode) pod.path("spec").path("containers").get(0)).put("image", "__HUGE__");
      case 4 -> ((ObjectNode) review.path("request")).put("uid", "__HUGE__");
      default -> meta.putObject("labels").put("__HUGE__", "v");
    }
    String body = review.toString().replace("__HUGE__", huge);
    return Case.json("huge-string", body);
  }

  private static Case unicode(Random random, int index) {
    ObjectNode review = validReview(random, index);
    ObjectNode request = (ObjectNode) review.path("request");
    ObjectNode meta = (ObjectNode) request.path("object").path("metadata");
    String s = randomUnicode(random, 1 + random.nextInt(80));
    switch (random.nextInt(7)) {
      case 0 -> meta.put("name", s);
      case 1 -> meta.putObject("labels").put(s, s);
      case 2 -> meta.putObject("annotations").put(s, s);
      case 3 -> request.put("namespace", s);
      case 4 -> request.put("uid", s);
      case 5 ->
          ((ObjectNode) request.path("object").path("spec").path("containers").get(0))
              .put("name", s);
      default -> ((ObjectNode) request.path("kind")).put("kind", s);
    }
    byte[] body = review.toString().getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(4) == 0) {
      // Invalid UTF-8 (a lone continuation byte, an overlong form, 0xFF) inside the document.
      int at = review.toString().indexOf("registry.example");
      byte[][] bad = {
        {(byte) 0x80},
        {(byte) 0xC0, (byte) 0xAF},
        {(byte) 0xFF},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}
      };
      byte[] insert = bad[random.nextInt(bad.length)];
      byte[] out = new byte[body.length + insert.length];
      System.arraycopy(body, 0, out, 0, at);
      System.arraycopy(insert, 0, out, at, insert.length);
      System.arraycopy(body, at, out, at + insert.length, body.length - at);
      return Case.json("invalid-utf8", out);
    }
    if (random.nextInt(4) == 0) {
      // Escaped lone surrogates and NUL, which Jackson accepts in strings.
      return Case.json(
          "unicode-escapes",
          review.toString().replace("registry.example", "\\ud800\\u0000\\udfff"));
    }
    return Case.json("unicode", body);
  }

  private static final String SPECIAL = "\u202e\u200b\ufeff\u0000\n\t/~\"\\";

  private static String randomUnicode(Random random, int length) {
    StringBuilder b = new StringBuilder();
    while (b.length() < length) {
      int cp =
          switch (random.nextInt(6)) {
            case 0 -> random.nextInt(0x80);
            case 1 -> 0x80 + random.nextInt(0x780);
            case 2 -> 0x800 + random.nextInt(0xD000);
            case 3 -> 0x10000 + random.nextInt(0x100000 - 0x10000);
            case 4 -> SPECIAL.codePointAt(random.nextInt(SPECIAL.length()));
            default -> 0xE000 + random.nextInt(0x1FFF);
          };
      b.appendCodePoint(cp);
    }
    return b.toString();
  }

  /** Numbers JSON allows but Java types do not hold, in numeric and other fields. */
  private static Case numbers(Random random, int index) {
    String[] numbers = {
      "1e400",
      "-1e400",
      "1e-400",
      "123456789012345678901234567890",
      "9223372036854775808",
      "-2147483649",
      "1" + "0".repeat(999),
      "1" + "0".repeat(1500),
      "0." + "0".repeat(2000) + "1",
      "1.5",
      "-0",
      "NaN",
      "Infinity",
      "0x10",
      "01"
    };
    ObjectNode review = validReview(random, index);
    String body = review.toString();
    String n = numbers[random.nextInt(numbers.length)];
    body =
        switch (random.nextInt(4)) {
          case 0 -> body.replace("\"containerPort\":8080", "\"containerPort\":" + n);
          case 1 -> body.replace("\"dryRun\":false", "\"dryRun\":" + n);
          case 2 -> body.replace("\"uid\":\"", "\"uid\":" + n + ",\"x\":\"");
          default -> body.replace("\"cpu\":\"100m\"", "\"cpu\":" + n);
        };
    return Case.json("number", body);
  }

  private static Case contentType(Random random, int index) {
    String[] types = {
      "text/plain",
      "application/xml",
      "application/octet-stream",
      "text/html",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/yaml"
    };
    return new Case(
        "content-type",
        types[random.nextInt(types.length)],
        validReview(random, index).toString().getBytes(StandardCharsets.UTF_8),
        415);
  }

  private static Case sizeLimits(Random random, int index) {
    int size =
        switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> MAX_BODY + 1;
          case 2 -> MAX_BODY + random.nextInt(2 * 1024 * 1024);
          default -> MAX_BODY;
        };
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) ' ');
    if (size > 0) {
      byte[] review = validReview(random, index).toString().getBytes(StandardCharsets.UTF_8);
      System.arraycopy(review, 0, body, 0, review.length);
    }
    return new Case(
        "size-" + (size == 0 ? "empty" : size > MAX_BODY ? "over" : "at-limit"),
        "application/json",
        body,
        size == 0 ? 400 : size > MAX_BODY ? 413 : 200);
  }

  /** JSON of the wrong shape: scalars, arrays, and reviews whose parts have the wrong type. */
  private static Case shapes(Random random, int index) {
    String[] bodies = {
      "null",
      "true",
      "\"AdmissionReview\"",
      "[]",
      "[{\"request\":{}}]",
      "{}",
      "{\"request\":null}",
      "{\"request\":[]}",
      "{\"request\":{\"uid\":\"u\",\"object\":null}}",
      "{\"request\":{\"uid\":\"u\",\"object\":[]}}",
      "{\"request\":{\"uid\":\"u\",\"object\":{}}}",
      "{\"request\":{\"uid\":\"u\",\"kind\":\"Pod\",\"object\":{\"metadata\":null}}}",
      "{\"request\":{\"uid\":\"u\",\"object\":{\"spec\":{\"containers\":null}}}}",
      "{\"request\":{\"uid\":\"u\",\"namespace\":\""
          + NS
          + "\",\"object\":{\"metadata\":{},\"spec\":{}}}}",
      "{\"request\":{\"uid\":\"u\",\"namespace\":\""
          + NS
          + "\",\"object\":{\"spec\":{\"containers\":[{}]}}}}",
      "{\"request\":{\"uid\":\"u\",\"namespace\":\""
          + NS
          + "\",\"object\":{\"spec\":{\"containers\":[null]}}}}",
      "{\"request\":{\"uid\":\"u\",\"namespace\":\""
          + NS
          + "\",\"object\":{\"metadata\":{\"annotations\":null,\"labels\":null},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}}}",
      "{\"request\":{\"uid\":\"u\",\"namespace\":\""
          + NS
          + "\",\"object\":{\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{}]}],\"initContainers\":[{\"name\":\"istio-proxy\"}]}}}}",
      "{\"request\":{\"uid\":\"u\"}} trailing",
      "{\"request\":{\"uid\":\"u\",\"uid\":\"v\"}}",
      "\ufeff{\"request\":{\"uid\":\"bom\"}}",
      "{\"request\":{\"uid\":\"u\"}}{\"request\":{\"uid\":\"w\"}}",
    };
    return Case.json("shape", bodies[random.nextInt(bodies.length)]);
  }
}
