package dev.meshoperator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The AdmissionReviews the benchmarks send, as the apiserver would: Istio's own benchmark inputs
 * (the same pod bytes as its Go tests) and a set of realistic pods. Every review asks for a Pod
 * CREATE in {@link #NAMESPACE}, a namespace labelled for injection.
 */
public final class AdmissionReviews {

  /** The namespace every review is for (labelled istio-injection=enabled by the benchmarks). */
  public static final String NAMESPACE = "bench-inject";

  /** The pod names a benchmark can ask for, in table order. */
  public static final List<String> NAMES =
      List.of(
          "istio-small",
          "istio-2000-env",
          "typical",
          "many-containers",
          "many-probes",
          "many-annotations",
          "native-sidecar");

  private static final ObjectMapper JSON = new ObjectMapper();

  private AdmissionReviews() {}

  /** The review for pod {@code name} (one of {@link #NAMES}) with request uid {@code uid}. */
  public static byte[] review(String name, String uid) {
    String pod =
        switch (name) {
          case "istio-small" -> ISTIO_TEST_POD;
          case "istio-2000-env" -> podWithEnv(2000);
          case "typical" -> typicalPod();
          case "many-containers" -> manyContainers(12);
          case "many-probes" -> manyProbes(6);
          case "many-annotations" -> manyAnnotations(120);
          case "native-sidecar" -> nativeSidecar();
          default -> throw new IllegalArgumentException("no benchmark pod " + name);
        };
    String review =
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{"
            + "\"uid\":\""
            + uid
            + "\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
            + "\"resource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"},"
            + "\"namespace\":\""
            + NAMESPACE
            + "\",\"operation\":\"CREATE\","
            + "\"userInfo\":{\"username\":\"system:serviceaccount:kube-system:replicaset-controller\"},"
            + "\"object\":"
            + pod
            + ",\"oldObject\":null,\"dryRun\":false}}";
    return review.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Istio's makeTestData pod (pkg/kube/inject/webhook_test.go) as Go's encoding/json writes it: the
   * pod of BenchmarkInjectServePC0. Istio's review around it has neither uid nor namespace (its
   * injector does not need them); the review here adds both, so the same pod takes this project's
   * full path.
   */
  static final String ISTIO_TEST_POD =
      "{\"metadata\":{\"name\":\"test\",\"creationTimestamp\":null},\"spec\":{"
          + "\"volumes\":[{\"name\":\"v0\"}],"
          + "\"initContainers\":[{\"name\":\"c0\",\"resources\":{}}],"
          + "\"containers\":[{\"name\":\"c1\",\"resources\":{}}],"
          + "\"imagePullSecrets\":[{\"name\":\"p0\"}]},\"status\":{}}";

  /** Istio's podWithEnv(2000) (pkg/kube/inject/inject_test.go): the pod of BenchmarkInjection. */
  static String podWithEnv(int count) {
    StringBuilder env = new StringBuilder();
    for (int i = 0; i < count; i++) {
      env.append(i == 0 ? "" : ",")
          .append("{\"name\":\"something-")
          .append(i)
          .append("\",\"value\":\"blah\"}");
    }
    return "{\"metadata\":{\"name\":\"foo\",\"namespace\":\"bar\",\"creationTimestamp\":null},"
        + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"fake\",\"env\":["
        + env
        + "],\"resources\":{}}]},\"status\":{}}";
  }

  /** A Deployment's pod after the apiserver's defaulting and the ServiceAccount token volume. */
  static String typicalPod() {
    String review = WebhookLoad.typicalPodReview(NAMESPACE);
    try {
      return JSON.readTree(review).path("request").path("object").toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode basePod(String name) {
    ObjectNode pod = JSON.createObjectNode();
    ObjectNode meta = pod.putObject("metadata");
    meta.put("generateName", name + "-5f7b8c9d4-");
    meta.put("namespace", NAMESPACE);
    meta.putObject("labels").put("app", name).put("pod-template-hash", "5f7b8c9d4");
    pod.putObject("spec").put("serviceAccountName", name);
    return pod;
  }

  private static ObjectNode container(ArrayNode list, String name, int port) {
    ObjectNode c = list.addObject();
    c.put("name", name);
    c.put("image", "registry.example/" + name + ":1.4.2");
    c.putArray("ports").addObject().put("name", "http").put("containerPort", port);
    c.putArray("env").addObject().put("name", "PORT").put("value", Integer.toString(port));
    c.putObject("resources")
        .<ObjectNode>set(
            "requests", JSON.createObjectNode().put("cpu", "50m").put("memory", "64Mi"))
        .set("limits", JSON.createObjectNode().put("memory", "128Mi"));
    c.put("terminationMessagePath", "/dev/termination-log");
    c.put("imagePullPolicy", "IfNotPresent");
    return c;
  }

  /** An app with {@code n} containers (sidecar helpers, exporters), one port each. */
  static String manyContainers(int n) {
    ObjectNode pod = basePod("many-containers");
    ArrayNode containers = ((ObjectNode) pod.path("spec")).putArray("containers");
    for (int i = 0; i < n; i++) {
      container(containers, "c" + i, 8080 + i);
    }
    return pod.toString();
  }

  /**
   * {@code n} containers, each with HTTP readiness, liveness and startup probes on its named port:
   * every probe is rewritten to go through the sidecar's agent.
   */
  static String manyProbes(int n) {
    ObjectNode pod = basePod("many-probes");
    ArrayNode containers = ((ObjectNode) pod.path("spec")).putArray("containers");
    for (int i = 0; i < n; i++) {
      ObjectNode c = container(containers, "c" + i, 8080 + i);
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        ObjectNode p = c.putObject(probe);
        p.putObject("httpGet").put("path", "/" + probe).put("port", "http").put("scheme", "HTTP");
        p.put("periodSeconds", 10).put("timeoutSeconds", 1).put("failureThreshold", 3);
      }
    }
    return pod.toString();
  }

  /** A pod carrying {@code n} annotations (CI metadata, checksums), a few of them Istio's own. */
  static String manyAnnotations(int n) {
    ObjectNode pod = basePod("many-annotations");
    ObjectNode annotations = ((ObjectNode) pod.path("metadata")).putObject("annotations");
    for (int i = 0; i < n; i++) {
      annotations.put("ci.example.com/build-" + i, "sha256:" + "0123456789abcdef".repeat(4));
    }
    annotations.put("proxy.istio.io/config", "{\"holdApplicationUntilProxyStarts\": true}");
    annotations.put("traffic.sidecar.istio.io/excludeOutboundPorts", "5432,6379");
    annotations.put("prometheus.io/scrape", "true");
    annotations.put("prometheus.io/port", "9090");
    container(((ObjectNode) pod.path("spec")).putArray("containers"), "app", 8080);
    return pod.toString();
  }

  /** A pod with its own native sidecar (an init container with restartPolicy Always). */
  static String nativeSidecar() {
    ObjectNode pod = basePod("native-sidecar");
    ObjectNode spec = (ObjectNode) pod.path("spec");
    ArrayNode init = spec.putArray("initContainers");
    container(init, "migrate", 9000);
    container(init, "log-agent", 2020).put("restartPolicy", "Always");
    container(spec.putArray("containers"), "app", 8080);
    return pod.toString();
  }
}
