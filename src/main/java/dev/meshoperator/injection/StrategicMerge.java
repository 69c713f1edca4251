package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes strategic merge of a partial Pod onto a Pod, on JSON trees.
 *
 * <p>Istio applies its rendered templates and user overrides with a strategic merge patch, so lists
 * of named things (containers, env, volumes, ...) merge element-wise by their key while other lists
 * are replaced. Only the merge keys of the Pod schema that can appear in injection templates are
 * known here; everything else follows JSON merge-patch rules.
 */
final class StrategicMerge {

  /** Merge keys of Pod lists, by path of field names from the Pod root ({@code *} = element). */
  private static final Map<String, String> MERGE_KEYS =
      Map.ofEntries(
          Map.entry("metadata.ownerReferences", "uid"),
          Map.entry("spec.containers", "name"),
          Map.entry("spec.initContainers", "name"),
          Map.entry("spec.ephemeralContainers", "name"),
          Map.entry("spec.volumes", "name"),
          Map.entry("spec.imagePullSecrets", "name"),
          Map.entry("spec.hostAliases", "ip"),
          Map.entry("spec.topologySpreadConstraints", "topologyKey"),
          Map.entry("spec.resourceClaims", "name"),
          Map.entry("spec.schedulingGates", "name"));

  private static final Map<String, String> CONTAINER_MERGE_KEYS =
      Map.of(
          "env", "name",
          "ports", "containerPort",
          "volumeMounts", "mountPath",
          "volumeDevices", "devicePath");

  private static final List<String> CONTAINER_LISTS =
      List.of("spec.containers", "spec.initContainers", "spec.ephemeralContainers");

  private StrategicMerge() {}

  /** Merges {@code patch} into a copy of {@code target} and returns the copy. */
  static ObjectNode apply(ObjectNode target, ObjectNode patch) {
    ObjectNode result = target.deepCopy();
    mergeObject(result, patch, "", false);
    return result;
  }

  /** Merges {@code patch} into {@code target} itself (which must not be shared). */
  static void into(ObjectNode target, ObjectNode patch) {
    mergeObject(target, patch, "", false);
  }

  /**
   * Like {@link #into}, but the parts of {@code patch} that land in {@code target} are moved there
   * rather than copied when they hold no null: the caller's last use of a patch nobody else holds.
   */
  static void intoTaking(ObjectNode target, ObjectNode patch) {
    mergeObject(target, patch, "", true);
  }

  /** What goes into the target: a copy without nulls, or the node itself when it may be taken. */
  private static JsonNode placed(JsonNode value, boolean take) {
    return take && !Json.containsNull(value) ? value : Json.withoutNulls(value);
  }

  private static void mergeObject(ObjectNode target, ObjectNode patch, String path, boolean take) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      String childPath = path.isEmpty() ? key : path + "." + key;
      JsonNode existing = target.get(key);
      if (value.isNull()) {
        target.remove(key);
      } else if (existing == null || existing.isNull()) {
        target.set(key, placed(value, take));
      } else if (existing.isObject() && value.isObject()) {
        mergeObject((ObjectNode) existing, (ObjectNode) value, childPath, take);
      } else if (existing.isArray() && value.isArray() && mergeKey(childPath) != null) {
        mergeList((ArrayNode) existing, (ArrayNode) value, mergeKey(childPath), childPath, take);
      } else {
        target.set(key, placed(value, take));
      }
    }
  }

  private static void mergeList(
      ArrayNode target, ArrayNode patch, String key, String path, boolean take) {
    List<JsonNode> original = new ArrayList<>();
    target.forEach(original::add);
    List<JsonNode> merged = new ArrayList<>(original);
    for (JsonNode item : patch) {
      if (!item.isObject()) {
        continue;
      }
      JsonNode id = item.get(key);
      ObjectNode match = null;
      if (id != null) {
        for (JsonNode candidate : merged) {
          if (candidate.isObject() && id.equals(candidate.get(key))) {
            match = (ObjectNode) candidate;
            break;
          }
        }
      }
      if (match != null) {
        mergeObject(match, (ObjectNode) item, path + ".*", take);
      } else {
        merged.add(placed(item, take));
      }
    }
    // Order like the API machinery: items named in the patch in patch order, interleaved with
    // the items only the original has, which keep their relative order; an item new to the
    // list goes before original items (so injected volumes and containers come first).
    List<JsonNode> patchItems = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode item : merged) {
      if (indexOf(patch, item, key) >= 0) {
        patchItems.add(item);
      } else {
        serverOnly.add(item);
      }
    }
    patchItems.sort(Comparator.comparingInt(item -> indexOf(patch, item, key)));
    List<JsonNode> result = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() || j < patchItems.size()) {
      if (j >= patchItems.size()) {
        result.add(serverOnly.get(i++));
      } else if (i >= serverOnly.size()) {
        result.add(patchItems.get(j++));
      } else {
        int li = indexOf(original, serverOnly.get(i), key);
        int ri = indexOf(original, patchItems.get(j), key);
        if (li >= 0 && ri >= 0 && li < ri) {
          result.add(serverOnly.get(i++));
        } else {
          result.add(patchItems.get(j++));
        }
      }
    }
    target.removeAll();
    result.forEach(target::add);
  }

  private static int indexOf(Iterable<JsonNode> list, JsonNode item, String key) {
    JsonNode id = item.get(key);
    if (id == null) {
      return -1;
    }
    int i = 0;
    for (JsonNode candidate : list) {
      if (candidate.isObject() && id.equals(candidate.get(key))) {
        return i;
      }
      i++;
    }
    return -1;
  }

  private static String mergeKey(String path) {
    String key = MERGE_KEYS.get(path);
    if (key != null) {
      return key;
    }
    for (String containers : CONTAINER_LISTS) {
      String prefix = containers + ".*.";
      if (path.startsWith(prefix)) {
        return CONTAINER_MERGE_KEYS.get(path.substring(prefix.length()));
      }
    }
    return null;
  }
}
