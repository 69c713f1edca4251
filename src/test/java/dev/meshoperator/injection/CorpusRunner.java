package dev.meshoperator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one case of an Istio injector corpus (master's or a release's) the way Istio's own test
 * does: kube-inject over the whole manifest, and the webhook path (each pod template as a Pod,
 * injected, turned into a JSON patch, the patch applied to the input), plus idempotency (injecting
 * the result again changes nothing). Objects are compared as Jackson trees after {@link
 * TreeNormalizer} (which documents the few normalizations).
 */
final class CorpusRunner {

  private CorpusRunner() {}

  static void run(
      Path corpus,
      InjectionCorpusConformanceTest.Case c,
      InjectionSettings settings,
      boolean idempotency)
      throws Exception {
    String input = Files.readString(corpus.resolve(c.input()));
    if (c.expectedError() != null) {
      assertThatThrownBy(() -> KubeInject.inject(input, settings))
          .isInstanceOf(InjectionException.class)
          .satisfies(e -> assertThat(e.getMessage().toLowerCase()).contains(c.expectedError()));
      return;
    }
    String golden = Files.readString(corpus.resolve(c.golden()));
    if (c.kubeInject()) {
      kubeInjectPath(c, input, golden, settings, idempotency);
    }
    if (c.webhook()) {
      webhookPath(input, golden, settings, idempotency);
    }
  }

  private static void kubeInjectPath(
      InjectionCorpusConformanceTest.Case c,
      String input,
      String golden,
      InjectionSettings s,
      boolean idempotency) {
    KubeInject.Result result = KubeInject.inject(input, s);
    List<JsonNode> actual = KubeInject.parseDocuments(result.yaml());
    List<JsonNode> expected = KubeInject.parseDocuments(golden);
    assertThat(actual).as("kube-inject: number of documents").hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertSame(
          "kube-inject document " + (i + 1),
          TreeNormalizer.document(expected.get(i)),
          TreeNormalizer.document(actual.get(i)));
    }
    if (c.expectedWarning() != null) {
      assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains(c.expectedWarning()));
    }
    if (!idempotency) {
      return;
    }
    // Idempotency over the whole manifest: kube-inject of its own output changes nothing.
    List<JsonNode> again = KubeInject.parseDocuments(KubeInject.injectYaml(result.yaml(), s));
    for (int i = 0; i < actual.size(); i++) {
      assertSame(
          "kube-inject idempotency, document " + (i + 1),
          TreeNormalizer.document(actual.get(i)),
          TreeNormalizer.document(again.get(i)));
    }
  }

  private static void webhookPath(
      String input, String golden, InjectionSettings s, boolean idempotency) {
    List<ObjectNode> inputs = podDocuments(KubeInject.parseDocuments(input));
    List<ObjectNode> goldens = podDocuments(KubeInject.parseDocuments(golden));
    assertThat(inputs).as("webhook: pod templates").hasSameSizeAs(goldens);
    for (int i = 0; i < inputs.size(); i++) {
      String where = "webhook pod " + (i + 1);
      ObjectNode inputPod = asPod(inputs.get(i));
      ObjectNode expectedPod = asPod(goldens.get(i));
      Pod pod = Json.toPod(inputPod);
      JsonNode actual;
      if (InjectionPolicy.defaults().podPolicy(pod).inject()) {
        InjectionResult result = Injector.inject(pod, s);
        assertThat(result).as(where + ": " + result).isInstanceOf(InjectionResult.Injected.class);
        JsonNode patch = JsonPatches.diff(pod, result.pod());
        actual = JsonPatch.apply(patch, JsonPatches.toJson(pod));
        assertSame(
            where + " (patch applied vs engine output)", JsonPatches.toJson(result.pod()), actual);
        // The webhook's own path (the pod's JSON form, only partly converted) gives the same pod,
        // and its patch, applied to the pod, gives it too.
        InjectionResult viaJson = Injector.inject(SlimPod.of(inputPod.deepCopy()), s);
        assertThat(viaJson)
            .as(where + " (JSON path): " + viaJson)
            .isInstanceOf(InjectionResult.Injected.class);
        assertSame(
            where + " (JSON path vs Pod path)",
            JsonPatches.toJson(result.pod()),
            JsonPatches.toJson(viaJson.pod()));
        assertSame(
            where + " (JSON path's patch applied vs engine output)",
            JsonPatches.toJson(result.pod()),
            JsonPatch.apply(((InjectionResult.Injected) viaJson).patch(), JsonPatches.toJson(pod)));
        InjectionResult again = idempotency ? Injector.inject(result.pod(), s) : result;
        assertSame(
            where + " idempotency",
            JsonPatches.toJson(result.pod()),
            JsonPatches.toJson(again.pod()));
      } else {
        actual = JsonPatches.toJson(pod);
      }
      assertSame(where, TreeNormalizer.pod(expectedPod), TreeNormalizer.pod(actual));
    }
  }

  /** Numbers compare by value: Go and Jackson pick different integer widths. */
  static final java.util.Comparator<JsonNode> NUMERIC =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  static void assertSame(String what, JsonNode expected, JsonNode actual) {
    if (!expected.equals(NUMERIC, actual)) {
      JsonNode diff =
          JsonDiff.asJson(
              expected, actual, io.fabric8.zjsonpatch.DiffFlags.dontNormalizeOpIntoMoveAndCopy());
      String text = diff.toPrettyString();
      if (text.length() > 6000) {
        text = text.substring(0, 6000) + "...";
      }
      throw new AssertionError(
          what + " differs from Istio (patch from expected to actual):\n" + text);
    }
  }

  /** Documents holding pod templates, Lists flattened (as Istio's webhook test splits them). */
  static List<ObjectNode> podDocuments(List<JsonNode> docs) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode d : docs) {
      String kind = d.path("kind").asText();
      switch (kind) {
        case "List" -> d.path("items").forEach(item -> out.addAll(podDocuments(List.of(item))));
        case "Deployment",
            "DeploymentConfig",
            "DaemonSet",
            "StatefulSet",
            "Job",
            "ReplicaSet",
            "ReplicationController",
            "CronJob",
            "Pod" ->
            out.add((ObjectNode) d);
        default -> {}
      }
    }
    return out;
  }

  /**
   * The pod an admission webhook would see for a workload document: the template, named after and
   * owned by its controller (for Deployments a ReplicaSet with a pod-template-hash), in the
   * document's namespace.
   */
  static ObjectNode asPod(ObjectNode doc) {
    String kind = doc.path("kind").asText();
    String name = doc.path("metadata").path("name").asText();
    String namespace = doc.path("metadata").path("namespace").asText("");
    if (kind.equals("Pod")) {
      ObjectNode pod = Json.MAPPER.createObjectNode();
      pod.set("metadata", doc.path("metadata").deepCopy());
      pod.set("spec", doc.path("spec").deepCopy());
      return pod;
    }
    JsonNode template =
        kind.equals("CronJob")
            ? doc.path("spec").path("jobTemplate").path("spec").path("template")
            : doc.path("spec").path("template");
    ObjectNode pod = Json.MAPPER.createObjectNode();
    ObjectNode meta =
        template.has("metadata")
            ? (ObjectNode) template.get("metadata").deepCopy()
            : Json.MAPPER.createObjectNode();
    String ownerKind = kind;
    String ownerApi = doc.path("apiVersion").asText();
    String ownerName = name;
    if (kind.equals("Deployment")) {
      ownerKind = "ReplicaSet";
      ownerApi = "apps/v1";
      ownerName = name + "-fake";
      meta.with("labels").put("pod-template-hash", "fake");
    }
    meta.put("generateName", kind.equals("Deployment") ? ownerName + "-" : ownerName);
    ArrayNode owners = meta.putArray("ownerReferences");
    owners
        .addObject()
        .put("apiVersion", ownerApi)
        .put("kind", ownerKind)
        .put("name", ownerName)
        .put("controller", true);
    if (!namespace.isEmpty() && !meta.has("namespace")) {
      meta.set("namespace", TextNode.valueOf(namespace));
    }
    pod.set("metadata", meta);
    pod.set("spec", template.path("spec").deepCopy());
    return pod;
  }
}
