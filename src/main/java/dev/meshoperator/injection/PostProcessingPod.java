package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merged pod reduced to what {@link PostProcessing} reads and writes, so that only that part is
 * bound to a fabric8 {@link Pod} (binding costs more than the injection itself), and the rest put
 * back afterwards ({@link #restore}).
 *
 * <p>Post-processing reads the metadata, the containers' names, ports, probes, lifecycle hooks and
 * security contexts, and the environment and arguments of the containers Istio injects; it writes
 * only those. Everything else (the pod spec's other fields, application containers' environment,
 * every container's mounts, resources, image, command...) is set aside untouched.
 */
final class PostProcessingPod {

  /** Container fields post-processing reads or writes, for every container. */
  private static final Set<String> KEPT =
      Set.of(
          "name",
          "ports",
          "securityContext",
          "livenessProbe",
          "readinessProbe",
          "startupProbe",
          "lifecycle");

  /** Further fields kept for the containers Istio injects (proxy environment, init arguments). */
  private static final Set<String> KEPT_INJECTED = Set.of("env", "args");

  private static final List<String> LISTS = List.of("containers", "initContainers");

  private final ObjectNode slim;
  private final ObjectNode specAside;
  private final Map<String, Map<String, ObjectNode>> containersAside;

  private PostProcessingPod(
      ObjectNode slim, ObjectNode specAside, Map<String, Map<String, ObjectNode>> aside) {
    this.slim = slim;
    this.specAside = specAside;
    this.containersAside = aside;
  }

  /** Thrown by {@link #restore} when post-processing touched what was set aside. */
  static final class Conflict extends RuntimeException {
    Conflict(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Splits {@code pod} (not modified; the result shares its subtrees). Lists whose containers are
   * not all named uniquely are kept whole: what was set aside is put back by name.
   */
  static PostProcessingPod of(ObjectNode pod) {
    ObjectNode slim = pod.objectNode();
    ObjectNode specAside = pod.objectNode();
    Map<String, Map<String, ObjectNode>> aside = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = pod.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      slim.set(e.getKey(), e.getValue());
    }
    if (pod.get("spec") instanceof ObjectNode spec) {
      ObjectNode slimSpec = pod.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!LISTS.contains(e.getKey())) {
          specAside.set(e.getKey(), e.getValue());
        } else if (e.getValue() instanceof ArrayNode list && uniquelyNamed(list)) {
          slimSpec.set(
              e.getKey(), slimList(list, aside.computeIfAbsent(e.getKey(), k -> new HashMap<>())));
        } else {
          slimSpec.set(e.getKey(), e.getValue());
        }
      }
      slim.set("spec", slimSpec);
    }
    return new PostProcessingPod(slim, specAside, aside);
  }

  private static boolean uniquelyNamed(ArrayNode list) {
    Set<String> names = new java.util.HashSet<>();
    for (JsonNode item : list) {
      if (!(item instanceof ObjectNode) || !item.path("name").isTextual()) {
        return false;
      }
      if (!names.add(item.get("name").asText())) {
        return false;
      }
    }
    return true;
  }

  private static ArrayNode slimList(ArrayNode list, Map<String, ObjectNode> aside) {
    ArrayNode out = list.arrayNode(list.size());
    for (JsonNode item : list) {
      String name = item.get("name").asText();
      boolean injected = SlimPod.INJECTED_NAMES.contains(name);
      ObjectNode kept = list.objectNode();
      ObjectNode rest = kept.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (KEPT.contains(e.getKey()) || (injected && KEPT_INJECTED.contains(e.getKey()))) {
          kept.set(e.getKey(), e.getValue());
        } else {
          rest.set(e.getKey(), e.getValue());
        }
      }
      aside.put(name, rest);
      out.add(kept);
    }
    return out;
  }

  /** The reduced pod, to be bound and post-processed. */
  ObjectNode slim() {
    return slim;
  }

  /**
   * Puts what was set aside back into {@code processed}, the JSON form of the post-processed
   * reduced pod (modified and returned). Field order is left to {@link PodForm}.
   *
   * @throws Conflict when post-processing wrote a field that was set aside, or dropped a container
   */
  ObjectNode restore(ObjectNode processed) {
    if (specAside.isEmpty() && containersAside.isEmpty()) {
      return processed;
    }
    ObjectNode spec = processed.with("spec");
    for (Iterator<Map.Entry<String, JsonNode>> it = specAside.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (spec.has(e.getKey())) {
        throw new Conflict("spec." + e.getKey());
      }
      spec.set(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, Map<String, ObjectNode>> list : containersAside.entrySet()) {
      int found = 0;
      for (JsonNode item : spec.path(list.getKey())) {
        ObjectNode rest = list.getValue().get(item.path("name").asText(null));
        if (rest == null || !(item instanceof ObjectNode container)) {
          continue;
        }
        found++;
        for (Iterator<Map.Entry<String, JsonNode>> it = rest.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (container.has(e.getKey())) {
            throw new Conflict(list.getKey() + "." + e.getKey());
          }
          container.set(e.getKey(), e.getValue());
        }
      }
      if (found != list.getValue().size()) {
        throw new Conflict("a container of " + list.getKey() + " is missing");
      }
    }
    return processed;
  }
}
