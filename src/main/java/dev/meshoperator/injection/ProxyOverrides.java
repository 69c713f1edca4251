package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an earlier injection left on a pod and the user's customizations of injected containers:
 * removing the former before the templates run, and merging the latter over what they render.
 */
final class ProxyOverrides {

  private ProxyOverrides() {}

  /**
   * Removes what an earlier injection added, so the templates see the user's pod. A pod never
   * injected is returned as it is (nothing is removed, and nobody modifies it): copying it would
   * cost as much as the rest of the injection for a large pod.
   */
  static Pod strip(Pod original, int meshStatusPort) {
    Optional<InjectionStatus> status =
        InjectionStatus.parse(Injector.annotations(original).get(IstioAnnotations.SIDECAR_STATUS));
    if (status.isEmpty()) {
      return original;
    }
    Pod pod = Json.copy(original);
    PodSpec spec = pod.getSpec();
    for (String name : InjectionStatus.orEmpty(status.get().containers())) {
      spec.setContainers(without(spec.getContainers(), name));
    }
    for (String name : InjectionStatus.orEmpty(status.get().initContainers())) {
      spec.setInitContainers(without(spec.getInitContainers(), name));
    }
    Map<String, String> annotations = Injector.annotations(pod);
    if (String.valueOf(meshStatusPort).equals(PrometheusMerge.port(annotations))) {
      PrometheusMerge.clear(annotations);
    }
    annotations.remove(IstioAnnotations.SIDECAR_STATUS);
    return pod;
  }

  static List<Container> without(List<Container> containers, String name) {
    List<Container> out = new ArrayList<>();
    if (containers != null) {
      for (Container c : containers) {
        if (!name.equals(c.getName())) {
          out.add(c);
        }
      }
    }
    return out;
  }

  static ObjectNode overrides(Pod pod) {
    String raw = Injector.annotations(pod).get(IstioAnnotations.PROXY_OVERRIDES);
    if (raw == null) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      JsonNode node = Json.read(raw);
      if (node instanceof ObjectNode o) {
        return o;
      }
    } catch (Exception e) {
      // reported below
    }
    throw new InjectionException(
        "invalid value for annotation '" + IstioAnnotations.PROXY_OVERRIDES + "': not JSON");
  }

  /**
   * Puts back containers a user overrode in an earlier injection: stripping removed them, but the
   * templates must see them to render the same pod again.
   */
  static Pod reinsertOverrides(Pod pod) {
    if (Injector.annotations(pod).get(IstioAnnotations.PROXY_OVERRIDES) == null) {
      return pod; // nothing saved: no copy
    }
    ObjectNode overrides = overrides(pod);
    ObjectNode tree = Json.toTree(pod);
    ObjectNode spec = tree.with("spec");
    for (String list : List.of("containers", "initContainers")) {
      JsonNode saved = overrides.get(list);
      if (saved == null || !saved.isArray()) {
        continue;
      }
      for (JsonNode c : saved) {
        if (!Injector.hasNamed(spec.path(list), c.path("name").asText())) {
          spec.withArray(list).add(c.deepCopy());
        }
      }
    }
    return Json.toPod(tree);
  }

  /**
   * Lets users customize injected containers: a container in the pod with the name of an injected
   * one (typically {@code istio-proxy}) is merged over what the template rendered. The
   * customizations are remembered in an annotation, so re-injection can apply them again.
   *
   * <p>Unlike Istio, which on re-injection renders previously injected containers afresh and
   * thereby drops the remembered customizations, they are applied again here: that is what makes
   * re-injection idempotent. First injections are unaffected.
   */
  static ObjectNode reapplyOverwrittenContainers(
      ObjectNode finalPod, Pod original, ObjectNode templatePod) {
    ObjectNode existing = overrides(original);
    String status = Injector.annotations(original).get(IstioAnnotations.SIDECAR_STATUS);
    Optional<InjectionStatus> parsed = InjectionStatus.parse(status);
    // An unreadable status is not an earlier injection (Istio would count it as one and then
    // forget the user's customizations on the next run).
    boolean alreadyInjected = parsed.isPresent();
    List<String> injectedContainers =
        parsed.map(p -> InjectionStatus.orEmpty(p.containers())).orElse(List.of());
    List<String> injectedInit =
        parsed.map(p -> InjectionStatus.orEmpty(p.initContainers())).orElse(List.of());
    // Looked up by name in the pod itself; only a matching container is turned into JSON (the
    // whole pod's JSON form would cost a full copy of, say, 2000 env entries of the app).
    List<Container> originalContainers = original.getSpec().getContainers();
    List<Container> originalInit = original.getSpec().getInitContainers();

    ArrayNode overrideContainers = Json.MAPPER.createArrayNode();
    ArrayNode overrideInit = Json.MAPPER.createArrayNode();
    ObjectNode result = finalPod;
    for (JsonNode c : iterable(templatePod.path("spec").path("containers"))) {
      String name = c.path("name").asText();
      ObjectNode match = Injector.findNamed(existing.get("containers"), name);
      if (match == null && injectedContainers.contains(name)) {
        // Re-injection: what is in the pod is our own output, render it afresh.
        continue;
      }
      if (match == null) {
        match = namedTree(originalContainers, name);
      }
      if (match == null) {
        continue;
      }
      ObjectNode overlay = overlay(match);
      overrideContainers.add(overlay);
      ObjectNode patch = Json.MAPPER.createObjectNode();
      patch.putObject("spec").putArray("containers").add(overlay);
      StrategicMerge.into(result, patch);
    }
    for (JsonNode c : iterable(templatePod.path("spec").path("initContainers"))) {
      String name = c.path("name").asText();
      ObjectNode match = Injector.findNamed(existing.get("initContainers"), name);
      if (match == null && injectedInit.contains(name)) {
        continue;
      }
      if (match == null) {
        match = namedTree(originalContainers, name);
      }
      if (match == null) {
        match = namedTree(originalInit, name);
      }
      if (match == null) {
        continue;
      }
      ObjectNode overlay = overlay(match);
      overrideInit.add(overlay);
      ObjectNode patch = Json.MAPPER.createObjectNode();
      patch.putObject("spec").putArray("initContainers").add(overlay);
      StrategicMerge.into(result, patch);
    }
    if (!alreadyInjected && (!overrideContainers.isEmpty() || !overrideInit.isEmpty())) {
      ObjectNode saved = Json.MAPPER.createObjectNode();
      if (!overrideContainers.isEmpty()) {
        saved.set("containers", overrideContainers);
      }
      if (!overrideInit.isEmpty()) {
        saved.set("initContainers", overrideInit);
      }
      result
          .with("metadata")
          .with("annotations")
          .put(IstioAnnotations.PROXY_OVERRIDES, Json.write(saved));
    }
    return result;
  }

  /** The JSON form of the container named {@code name} in {@code list}, or null. */
  static ObjectNode namedTree(List<Container> list, String name) {
    if (list != null) {
      for (Container c : list) {
        if (c != null && name.equals(c.getName())) {
          return Json.toTree(c);
        }
      }
    }
    return null;
  }

  static Iterable<JsonNode> iterable(JsonNode node) {
    return node != null && node.isArray() ? node : List.of();
  }

  static ObjectNode overlay(ObjectNode container) {
    ObjectNode overlay = GoJson.container(Json.withoutNulls(container));
    if (Injector.AUTO_IMAGE.equals(overlay.path("image").asText(null))) {
      // "auto" only exists because image is a required field; it means "keep the injected one".
      overlay.remove("image");
    }
    return overlay;
  }

  static Container savedOverride(Pod pod, String name) {
    ObjectNode saved = overrides(pod);
    ObjectNode match = Injector.findNamed(saved.get("containers"), name);
    if (match == null) {
      match = Injector.findNamed(saved.get("initContainers"), name);
    }
    if (match == null) {
      return null;
    }
    try {
      return Json.MAPPER.treeToValue(match, Container.class);
    } catch (Exception e) {
      throw new InjectionException(
          "invalid value for annotation '"
              + IstioAnnotations.PROXY_OVERRIDES
              + "': "
              + e.getMessage());
    }
  }
}
