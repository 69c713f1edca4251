package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code sidecar.istio.io/status} annotation: what injection added (so re-injection can remove
 * it first) and by which revision.
 *
 * @param initContainers names of injected init containers
 * @param containers names of injected containers
 * @param volumes names of injected volumes
 * @param imagePullSecrets names of injected image pull secrets
 * @param revision revision that injected
 */
public record InjectionStatus(
    List<String> initContainers,
    List<String> containers,
    List<String> volumes,
    List<String> imagePullSecrets,
    String revision) {

  /** The status describing what {@code injected} (the merged templates) adds. */
  static InjectionStatus of(PodSpec injected, String revision) {
    return new InjectionStatus(
        names(injected.getInitContainers(), Container::getName),
        names(injected.getContainers(), Container::getName),
        names(injected.getVolumes(), Volume::getName),
        names(injected.getImagePullSecrets(), LocalObjectReference::getName),
        revision == null || revision.isEmpty() ? "default" : revision);
  }

  /** As {@link #of(PodSpec, String)}, from the merged templates' JSON form. */
  static InjectionStatus of(JsonNode injectedSpec, String revision) {
    return new InjectionStatus(
        names(injectedSpec.path("initContainers")),
        names(injectedSpec.path("containers")),
        names(injectedSpec.path("volumes")),
        names(injectedSpec.path("imagePullSecrets")),
        revision == null || revision.isEmpty() ? "default" : revision);
  }

  private static final List<String> NAMED_LISTS =
      List.of("initContainers", "containers", "volumes", "imagePullSecrets");

  /**
   * The items of {@code rendered}'s spec lists reduced to their names: merged like the whole tree,
   * it gives the same names in the same order (names are those lists' merge key). Null when an item
   * is not an object with a text name, for which the whole tree is merged.
   */
  static ObjectNode namedItems(ObjectNode rendered) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    if (!(rendered.get("spec") instanceof ObjectNode spec)) {
      return rendered.has("spec") ? null : out;
    }
    ObjectNode outSpec = out.putObject("spec");
    for (String list : NAMED_LISTS) {
      JsonNode items = spec.get(list);
      if (items == null) {
        continue;
      }
      if (!items.isArray()) {
        return null;
      }
      ArrayNode names = outSpec.putArray(list);
      for (JsonNode item : items) {
        if (!item.isObject() || !item.path("name").isTextual()) {
          return null;
        }
        names.addObject().set("name", item.get("name"));
      }
    }
    return out;
  }

  private static List<String> names(JsonNode items) {
    if (!items.isArray() || items.isEmpty()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : items) {
      JsonNode name = item.get("name");
      out.add(name == null || name.isNull() ? null : name.asText());
    }
    return out;
  }

  private static <T> List<String> names(List<T> items, Function<T, String> name) {
    if (items == null || items.isEmpty()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    items.forEach(i -> out.add(name.apply(i)));
    return out;
  }

  /** Parses the annotation value; empty when it is not a status written by an injector. */
  public static Optional<InjectionStatus> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = Json.read(value);
      if (!node.isObject()) {
        return Optional.empty();
      }
      return Optional.of(
          new InjectionStatus(
              list(node.get("initContainers")),
              list(node.get("containers")),
              list(node.get("volumes")),
              list(node.get("imagePullSecrets")),
              node.path("revision").asText("")));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static List<String> list(JsonNode node) {
    if (node == null || !node.isArray()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    node.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Names in a possibly absent list. */
  static List<String> orEmpty(List<String> names) {
    return names == null ? List.of() : names;
  }

  /** The annotation value, in Istio's field order (absent lists are {@code null}). */
  public String toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    put(o, "initContainers", initContainers);
    put(o, "containers", containers);
    put(o, "volumes", volumes);
    put(o, "imagePullSecrets", imagePullSecrets);
    o.put("revision", revision);
    return Json.write(o);
  }

  private static void put(ObjectNode o, String field, List<String> names) {
    if (names == null) {
      o.putNull(field);
    } else {
      ArrayNode a = o.putArray(field);
      names.forEach(a::add);
    }
  }
}
