package dev.meshoperator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshoperator.injection.InjectionDecision;
import dev.meshoperator.injection.InjectionPolicy;
import dev.meshoperator.injection.InjectionResult;
import dev.meshoperator.injection.Injector;
import dev.meshoperator.injection.SlimPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Turns an AdmissionReview into its answer. Every outcome is an AdmissionReview: a body that does
 * not decode or an object that is not a Pod is refused with a message, never an HTTP error, and
 * nothing here throws.
 */
@ApplicationScoped
public class AdmissionHandler {

  private static final Logger LOG = Logger.getLogger(AdmissionHandler.class);

  /** Set on pods that reached the webhook but were not injected, saying why. */
  public static final String SKIP_ANNOTATION = "meshoperator.dev/injection-skipped";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MeshRegistry registry;
  private final MeterRegistry meters;

  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();

  /** Which revision a pod's labels select; the same for every request, so built once. */
  private static final InjectionPolicy SELECTION = InjectionPolicy.defaults();

  public AdmissionHandler(MeshRegistry registry, MeterRegistry meters) {
    this.registry = registry;
    this.meters = meters;
  }

  /** A real histogram ({@code _bucket} series), so latency quantiles aggregate across pods. */
  private Timer durationTimer(String outcome) {
    return Timer.builder("istio_operator_injection_duration")
        .description("Time to answer one AdmissionReview, by outcome")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(java.time.Duration.ofMillis(1))
        .maximumExpectedValue(java.time.Duration.ofSeconds(10))
        .register(meters);
  }

  public ObjectNode review(byte[] body) {
    Timer.Sample sample = Timer.start(meters);
    String outcome = "error";
    String uid = "";
    try {
      JsonNode review;
      try {
        review = JSON.readTree(body);
      } catch (Exception e) {
        outcome = "malformed";
        return response(
            uid, false, "request body is not a JSON AdmissionReview: " + e.getMessage(), null);
      }
      if (review == null || !review.isObject() || !review.path("request").isObject()) {
        outcome = "malformed";
        return response(uid, false, "request body is not an AdmissionReview with a request", null);
      }
      JsonNode request = review.path("request");
      uid = request.path("uid").isTextual() ? request.path("uid").asText() : "";
      if (uid.isBlank()) {
        // The apiserver matches answers by uid; one without it cannot be a real request.
        outcome = "malformed";
        return response(uid, false, "request.uid is required", null);
      }
      if (!registry.ready()) {
        // Caches not synced or an informer stopped: the answer could be wrong, and an uninjected
        // pod admitted now would stay so. Refuse; the apiserver (or its controller) retries.
        outcome = "not-ready";
        return response(
            uid,
            false,
            "the injection webhook is not ready (its caches are not synced); refusing rather than"
                + " admitting the pod without its sidecar, retry shortly",
            null);
      }
      if (!"Pod".equals(request.path("kind").path("kind").asText("Pod"))
          || !request.path("object").isObject()) {
        outcome = "not-a-pod";
        return response(uid, false, "the injection webhook only admits Pods", null);
      }
      String nullAt = dropNullFields(request.path("object"));
      if (nullAt != null) {
        // The apiserver never sends one (it decodes into typed structs first); the injector
        // would trip over it.
        outcome = "malformed";
        return response(
            uid, false, "request.object is not a valid Pod: null list element at " + nullAt, null);
      }
      ObjectNode object = (ObjectNode) request.path("object");
      String namespace = request.path("namespace").asText(null);
      if (namespace != null
          && object.get("metadata") instanceof ObjectNode metadata
          && (metadata.get("namespace") == null || metadata.get("namespace").isNull())) {
        // The review's own tree, parsed for this request: filled in place, as the pod's copy.
        metadata.put("namespace", namespace);
      }
      SlimPod slim;
      Pod pod;
      try {
        // Only what the policy and the injector read is converted to a fabric8 Pod.
        slim = SlimPod.of(object);
        pod = slim.pod();
      } catch (Exception e) {
        outcome = "malformed";
        return response(uid, false, "request.object is not a valid Pod: " + firstLine(e), null);
      }
      Map<String, String> nsLabels = registry.namespaceLabels(namespace);
      // Which revision the labels select, then that revision's own policy.
      InjectionDecision selection = SELECTION.evaluate(pod, namespace, nsLabels);
      Optional<MeshRegistry.Revision> cp =
          selection.revision() == null || selection.revision().isEmpty()
              ? Optional.empty()
              : registry.revision(selection.revision());
      if (cp.isPresent() && cp.get().unusable() != null) {
        // Never admit a pod of a revision without its sidecar because its spec is broken.
        outcome = "denied";
        return response(
            uid,
            false,
            cp.get().unusable() + "; the pod is refused rather than created without its sidecar",
            null);
      }
      InjectionDecision decision =
          cp.map(c -> c.policy().evaluate(pod, namespace, nsLabels)).orElse(selection);
      if (cp.isEmpty() && decision.inject()) {
        decision =
            new InjectionDecision(
                false,
                selection.revision(),
                "no MeshControlPlane serves revision " + selection.revision());
      }
      if (!decision.inject()) {
        outcome = "skipped";
        meters
            .counter("istio_operator_injection_skipped", "reason", reasonTag(decision.reason()))
            .increment();
        LOG.debugf("Not injecting %s/%s: %s", namespace, name(pod), decision.reason());
        return response(uid, true, null, skipPatch(pod, decision.reason()));
      }
      InjectionResult result = Injector.inject(slim, cp.get().settings());
      if (result instanceof InjectionResult.Denied denied) {
        outcome = "denied";
        return response(uid, false, denied.message(), null);
      }
      JsonNode patch = ((InjectionResult.Injected) result).patch();
      outcome = "injected";
      ObjectNode answer = response(uid, true, null, patch);
      String note = cp.get().nativeSidecarsNote();
      if (note != null) {
        // The safe choice, said where the pod's creator sees it (kubectl prints warnings).
        meters
            .counter("istio_operator_injection_native_sidecar_fallback", "reason", "no-node-info")
            .increment();
        ((ObjectNode) answer.path("response")).putArray("warnings").add(note);
      }
      return answer;
    } catch (RuntimeException | StackOverflowError e) {
      LOG.error("Injection failed unexpectedly", e);
      return response(uid, false, "injection failed: " + firstLine(e), null);
    } finally {
      // Looked up once per outcome: a registry lookup builds its tags on every call.
      requests
          .computeIfAbsent(
              outcome, o -> meters.counter("istio_operator_injection_requests", "outcome", o))
          .increment();
      sample.stop(durations.computeIfAbsent(outcome, this::durationTimer));
    }
  }

  /** A node being visited, with how it was reached (the pointer is built only when needed). */
  private record Visit(Visit parent, String key, JsonNode node) {
    String pointer() {
      return parent == null
          ? ""
          : parent.pointer() + "/" + key.replace("~", "~0").replace("/", "~1");
    }
  }

  /**
   * Drops every object field whose value is null from {@code node}, in place, and returns the JSON
   * pointer of the first null element of an array, or null. A null field means the field is absent
   * (Go decodes both alike, and the apiserver's own objects carry only {@code creationTimestamp:
   * null}); the injector reads the pod's fabric8 form straight from this tree, so a {@code
   * "containers": null} left in would reach it as a null list. Iterative: the tree may be as deep
   * as the parser allows.
   */
  static String dropNullFields(JsonNode node) {
    Deque<Visit> todo = new ArrayDeque<>();
    todo.push(new Visit(null, "", node));
    while (!todo.isEmpty()) {
      Visit v = todo.pop();
      if (v.node().isArray()) {
        for (int i = 0; i < v.node().size(); i++) {
          JsonNode item = v.node().get(i);
          if (item.isNull()) {
            return new Visit(v, Integer.toString(i), item).pointer();
          }
          if (item.isContainerNode()) {
            todo.push(new Visit(v, Integer.toString(i), item));
          }
        }
      } else {
        for (var it = v.node().fields(); it.hasNext(); ) {
          var field = it.next();
          if (field.getValue().isNull()) {
            it.remove();
          } else if (field.getValue().isContainerNode()) {
            todo.push(new Visit(v, field.getKey(), field.getValue()));
          }
        }
      }
    }
    return null;
  }

  /** Records the reason on the pod, so "why was my pod not injected" has an answer on it. */
  private static JsonNode skipPatch(Pod pod, String reason) {
    var op = JSON.createObjectNode();
    boolean hasAnnotations =
        pod.getMetadata() != null
            && pod.getMetadata().getAnnotations() != null
            && !pod.getMetadata().getAnnotations().isEmpty();
    if (pod.getMetadata() == null) {
      return null;
    }
    if (hasAnnotations) {
      op.put("op", "add");
      op.put(
          "path", "/metadata/annotations/" + SKIP_ANNOTATION.replace("~", "~0").replace("/", "~1"));
      op.put("value", reason);
    } else {
      op.put("op", "add");
      op.put("path", "/metadata/annotations");
      op.set("value", JSON.createObjectNode().put(SKIP_ANNOTATION, reason));
    }
    return JSON.createArrayNode().add(op);
  }

  static ObjectNode response(String uid, boolean allowed, String message, JsonNode patch) {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    ObjectNode response = review.putObject("response");
    response.put("uid", uid);
    response.put("allowed", allowed);
    if (message != null) {
      ObjectNode status = response.putObject("status");
      status.put("code", allowed ? 200 : 400);
      status.put("message", bounded(message));
    }
    if (patch != null && patch.size() > 0) {
      response.put("patchType", "JSONPatch");
      response.put("patch", Base64.getEncoder().encodeToString(utf8(patch)));
    }
    return review;
  }

  /** The patch's JSON text in UTF-8, written straight to bytes (no String in between). */
  private static byte[] utf8(JsonNode patch) {
    try {
      return JSON.writeValueAsBytes(patch);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // A tree of plain nodes always serializes; keep the old path should it not.
      return patch.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Longest status message returned; the apiserver shows it to whoever created the pod. */
  static final int MAX_MESSAGE = 1024;

  /** Longest value quoted ('like this') in a message before it is shortened. */
  static final int MAX_QUOTED = 128;

  private static final Pattern LONG_QUOTED = Pattern.compile("'([^']{" + (MAX_QUOTED + 1) + ",})'");

  /**
   * {@code message} at most about {@link #MAX_MESSAGE} characters: messages quote values from the
   * request, which may be megabytes long. Long quoted values are shortened first, so what the
   * message names after them (e.g. the annotation) stays; then, if still too long, the middle goes.
   * Never cuts inside a surrogate pair.
   */
  static String bounded(String message) {
    if (message.length() <= MAX_MESSAGE) {
      return message;
    }
    Matcher m = LONG_QUOTED.matcher(message);
    StringBuilder shortened = new StringBuilder();
    while (m.find()) {
      String value = m.group(1);
      m.appendReplacement(
          shortened,
          Matcher.quoteReplacement(
              "'"
                  + value.substring(0, cutBefore(value, MAX_QUOTED))
                  + "... ("
                  + value.length()
                  + " characters)'"));
    }
    m.appendTail(shortened);
    String s = shortened.toString();
    if (s.length() <= MAX_MESSAGE) {
      return s;
    }
    int head = cutBefore(s, MAX_MESSAGE / 2);
    int tail = s.length() - MAX_MESSAGE / 2;
    if (Character.isLowSurrogate(s.charAt(tail))) {
      tail++;
    }
    return s.substring(0, head)
        + " ["
        + (tail - head)
        + " characters left out] "
        + s.substring(tail);
  }

  /** {@code at}, or one less if that would split a surrogate pair. */
  private static int cutBefore(String s, int at) {
    return Character.isHighSurrogate(s.charAt(at - 1)) ? at - 1 : at;
  }

  private static String name(Pod pod) {
    if (pod.getMetadata() == null) {
      return "";
    }
    return pod.getMetadata().getName() != null
        ? pod.getMetadata().getName()
        : pod.getMetadata().getGenerateName() + "*";
  }

  /** A small fixed set of metric tags, never the free-form reason itself. */
  static String reasonTag(String reason) {
    String r = reason == null ? "" : reason;
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("host networking", "host-network");
    tags.put("system namespace", "system-namespace");
    tags.put("never injected", "system-namespace");
    tags.put("neverInjectSelector", "never-inject-selector");
    tags.put("no MeshControlPlane", "no-control-plane");
    tags.put("this injector serves", "other-revision");
    tags.put("inject=false", "pod-opt-out");
    tags.put("sidecar.istio.io/inject", "pod-opt-out");
    tags.put("disabled", "policy-disabled");
    return tags.entrySet().stream()
        .filter(e -> r.contains(e.getKey()))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse("other");
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
