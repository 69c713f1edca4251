package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A pod as the webhook receives it (its JSON form), with the bulk of its application containers set
 * aside: the container fields that sidecar injection neither reads nor writes (env, volume mounts,
 * command, resources, ...). For a pod with 2000 env entries they are nearly all of it, and each
 * conversion between the fabric8 and JSON forms of the whole pod would copy them again.
 *
 * <p>The injector converts only the rest (the "slim" pod); the set-aside subtrees are put back,
 * unchanged and shared, into the JSON forms of the pod before and after injection ({@link
 * #restore}), so the JSON patch between the two never looks inside them and never differs from the
 * patch of the whole pods.
 *
 * <p>Nothing is set aside (the slim pod is the whole pod) where the injection may touch those
 * fields: a pod injected before or carrying saved proxy overrides (re-injection strips and re-adds
 * containers), a pod naming templates other than the built-in sidecar or gateway (the gRPC
 * templates merge env into every application container), and containers named like the ones
 * injection adds (a user's {@code istio-proxy} is merged with the injected one). The injector also
 * falls back to the whole pod when its settings select other templates.
 */
public final class SlimPod {

  /**
   * Fields of a container that sidecar injection neither reads nor writes, with their JSON type. A
   * field of another type is not set aside, so the whole pod's conversion reports it.
   */
  static final Map<String, JsonNodeType> OPAQUE =
      Map.ofEntries(
          Map.entry("env", JsonNodeType.ARRAY),
          Map.entry("envFrom", JsonNodeType.ARRAY),
          Map.entry("volumeMounts", JsonNodeType.ARRAY),
          Map.entry("volumeDevices", JsonNodeType.ARRAY),
          Map.entry("resizePolicy", JsonNodeType.ARRAY),
          Map.entry("command", JsonNodeType.ARRAY),
          Map.entry("args", JsonNodeType.ARRAY),
          Map.entry("resources", JsonNodeType.OBJECT),
          Map.entry("workingDir", JsonNodeType.STRING),
          Map.entry("terminationMessagePath", JsonNodeType.STRING),
          Map.entry("terminationMessagePolicy", JsonNodeType.STRING),
          Map.entry("imagePullPolicy", JsonNodeType.STRING));

  /** Lists whose items are strings; the other array fields above hold objects. */
  private static final Set<String> STRING_LISTS = Set.of("command", "args");

  /** Containers the built-in templates render; their fields merge with the rendered ones. */
  static final Set<String> INJECTED_NAMES =
      Set.of(
          Injector.PROXY_CONTAINER,
          Injector.INIT_CONTAINER,
          Injector.VALIDATION_CONTAINER,
          Injector.ENABLE_CORE_DUMP_CONTAINER);

  /** The built-in templates that render only containers named in {@link #INJECTED_NAMES}. */
  static final Set<String> SLIM_TEMPLATES = Set.of("sidecar", "gateway");

  private static final List<String> LISTS = List.of("containers", "initContainers");

  private final ObjectNode json;
  private final ObjectNode slim;

  /** Set-aside containers by list and name: the original container nodes. */
  private final Map<String, Map<String, ObjectNode>> stash;

  private Pod pod;
  private boolean podTaken;

  private SlimPod(ObjectNode json, ObjectNode slim, Map<String, Map<String, ObjectNode>> stash) {
    this.json = json;
    this.slim = slim;
    this.stash = stash;
  }

  /**
   * The pod whose JSON form is {@code json}. {@code json} is not modified, and must not be while
   * this object is used: the slim pod shares its subtrees.
   */
  public static SlimPod of(ObjectNode json) {
    Objects.requireNonNull(json, "json");
    if (!(json.get("spec") instanceof ObjectNode spec) || !mayBeSlimmed(json)) {
      return new SlimPod(json, json, Map.of());
    }
    Map<String, Map<String, ObjectNode>> stash = new HashMap<>();
    ObjectNode slimSpec = null;
    for (String list : LISTS) {
      if (!(spec.get(list) instanceof ArrayNode containers)) {
        continue;
      }
      ArrayNode slimList = null;
      for (int i = 0; i < containers.size(); i++) {
        JsonNode item = containers.get(i);
        ObjectNode slimmed = slimmed(item);
        if (slimmed == null) {
          continue;
        }
        if (slimList == null) {
          slimList = containers.arrayNode();
          for (int j = 0; j < i; j++) {
            slimList.add(containers.get(j));
          }
        }
        stash
            .computeIfAbsent(list, l -> new HashMap<>())
            .put(item.get("name").asText(), (ObjectNode) item);
        slimList.add(slimmed);
      }
      if (slimList != null) {
        for (int j = slimList.size(); j < containers.size(); j++) {
          slimList.add(containers.get(j));
        }
        if (slimSpec == null) {
          slimSpec = shallowCopy(spec);
        }
        slimSpec.set(list, slimList);
      }
    }
    if (slimSpec == null) {
      return new SlimPod(json, json, Map.of());
    }
    ObjectNode slim = shallowCopy(json);
    slim.set("spec", slimSpec);
    return new SlimPod(json, slim, stash);
  }

  private static boolean mayBeSlimmed(ObjectNode json) {
    JsonNode annotations = json.path("metadata").path("annotations");
    if (annotations.has(IstioAnnotations.SIDECAR_STATUS)
        || annotations.has(IstioAnnotations.PROXY_OVERRIDES)) {
      return false;
    }
    JsonNode templates = annotations.get(IstioAnnotations.INJECT_TEMPLATES);
    if (templates == null) {
      return true;
    }
    if (!templates.isTextual()) {
      return false;
    }
    for (String name : templates.asText().split(",", -1)) {
      if (!SLIM_TEMPLATES.contains(name.trim())) {
        return false;
      }
    }
    return true;
  }

  /** A copy of {@code item} without its opaque fields, or null when nothing is set aside. */
  private static ObjectNode slimmed(JsonNode item) {
    if (!(item instanceof ObjectNode container)
        || !container.path("name").isTextual()
        || INJECTED_NAMES.contains(container.get("name").asText())) {
      return null;
    }
    boolean any = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = container.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNodeType type = OPAQUE.get(e.getKey());
      if (type == null) {
        continue;
      }
      if (!wellTyped(e.getKey(), e.getValue(), type)) {
        return null; // left to the conversion of the whole container, which reports it
      }
      any = true;
    }
    if (!any) {
      return null;
    }
    ObjectNode out = container.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = container.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!OPAQUE.containsKey(e.getKey())) {
        out.set(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static boolean wellTyped(String field, JsonNode value, JsonNodeType type) {
    if (value.getNodeType() != type) {
      return false;
    }
    if (type == JsonNodeType.ARRAY) {
      JsonNodeType items = STRING_LISTS.contains(field) ? JsonNodeType.STRING : JsonNodeType.OBJECT;
      for (JsonNode item : value) {
        if (item.getNodeType() != items) {
          return false;
        }
      }
    }
    return true;
  }

  private static ObjectNode shallowCopy(ObjectNode node) {
    ObjectNode out = node.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.set(e.getKey(), e.getValue());
    }
    return out;
  }

  /** The pod's JSON form as given. */
  public ObjectNode json() {
    return json;
  }

  /** Whether fields were set aside. */
  boolean slimmed() {
    return !stash.isEmpty();
  }

  /**
   * The slim pod in fabric8 form, for reading its metadata and pod-level fields (application
   * containers lack the fields set aside). Built once; not to be modified.
   */
  public Pod pod() {
    if (pod == null) {
      pod = readPod(slim);
    }
    return pod;
  }

  /**
   * A slim pod the caller may modify: the one {@link #pod()} returned (whose readers are done with
   * it by then) the first time, a fresh one after.
   */
  Pod takePod() {
    Pod out = pod != null && !podTaken ? pod : readPod(slim);
    podTaken = true;
    return out;
  }

  /** The whole pod in fabric8 form, for the caller to modify. */
  Pod wholePod() {
    return slimmed() ? readPod(json) : takePod();
  }

  /**
   * The JSON form of {@link #takePod()}'s pod ({@code Json.toTree} of it), computed from the JSON
   * the pod was read from rather than by writing the pod out again.
   */
  ObjectNode slimForm() {
    // Shares the slim pod's subtrees already in fabric8's form: the injector only reads this tree
    // (it merges onto a copy, and restore copies what it changes).
    return PodForm.ofOwned(slim);
  }

  /** The JSON form of {@link #wholePod()}'s pod, as {@link #slimForm()}. */
  ObjectNode wholeForm() {
    return PodForm.of(slimmed() ? json : slim);
  }

  private static Pod readPod(ObjectNode tree) {
    try {
      return Json.MAPPER.treeToValue(tree, Pod.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // Jackson's own message: it names the field that does not decode.
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Thrown by {@link #restore} when injection changed a container field that was set aside. */
  static final class Conflict extends RuntimeException {
    Conflict(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Puts the set-aside fields back into {@code tree}, a JSON form of the slim pod (before or after
   * injection), as shared subtrees. {@code tree} is not modified: the containers given fields back
   * are copies, and so is the path down to them (the rest is shared), since {@code tree} may share
   * its subtrees with the slim pod and the JSON it was read from.
   *
   * @throws Conflict when a container set aside is missing or has one of those fields
   */
  ObjectNode restore(ObjectNode tree) {
    if (stash.isEmpty()) {
      return tree;
    }
    ObjectNode spec = tree.get("spec") instanceof ObjectNode o ? o : null;
    ObjectNode restoredSpec = null;
    for (Map.Entry<String, Map<String, ObjectNode>> list : stash.entrySet()) {
      // The forms this is given hold their lists as arrays (fabric8's form).
      ArrayNode array = spec != null && spec.get(list.getKey()) instanceof ArrayNode a ? a : null;
      ArrayNode restoredItems = null;
      int found = 0;
      for (int i = 0; array != null && i < array.size(); i++) {
        if (!(array.get(i) instanceof ObjectNode container)) {
          continue;
        }
        ObjectNode original = list.getValue().get(container.path("name").asText(null));
        if (original == null) {
          continue;
        }
        found++;
        ObjectNode restored = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = original.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!OPAQUE.containsKey(e.getKey())) {
            continue;
          }
          if (container.has(e.getKey())) {
            throw new Conflict(
                "container " + container.path("name").asText() + " has " + e.getKey());
          }
          if (restored == null) {
            restored = shallowCopy(container);
          }
          restored.set(e.getKey(), e.getValue());
        }
        if (restored != null) {
          if (restoredItems == null) {
            restoredItems = array.arrayNode(array.size());
            restoredItems.addAll(array);
          }
          restoredItems.set(i, restored);
        }
      }
      if (found != list.getValue().size()) {
        throw new Conflict("a container set aside in " + list.getKey() + " is missing");
      }
      if (restoredItems != null) {
        if (restoredSpec == null) {
          restoredSpec = shallowCopy(spec);
        }
        restoredSpec.set(list.getKey(), restoredItems);
      }
    }
    if (restoredSpec == null) {
      return tree;
    }
    ObjectNode out = shallowCopy(tree);
    out.set("spec", restoredSpec);
    return out;
  }
}
