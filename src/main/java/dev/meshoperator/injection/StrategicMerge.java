package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    mergeObject(result, patch, "");
    return result;
  }

  private static void mergeObject(ObjectNode target, ObjectNode patch, String path) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      String childPath = path.isEmpty() ? key : path + "." + key;
      JsonNode existing = target.get(key);
      if (value.isNull()) {
        target.remove(key);
      } else if (existing == null || existing.isNull()) {
        target.set(key, Json.withoutNulls(value));
      } else if (existing.isObject() && value.isObject()) {
        mergeObject((ObjectNode) existing, (ObjectNode) value, childPath);
      } else if (existing.isArray() && value.isArray() && mergeKey(childPath) != null) {
        mergeList((ArrayNode) existing, (ArrayNode) value, mergeKey(childPath), childPath);
      } else {
        target.set(key, Json.withoutNulls(value));
      }
    }
  }

  private static void mergeList(ArrayNode target, ArrayNode patch, String key, String path) {
    for (JsonNode item : patch) {
      if (!item.isObject()) {
        continue;
      }
      JsonNode id = item.get(key);
      ObjectNode match = null;
      if (id != null) {
        for (JsonNode candidate : target) {
          if (candidate.isObject() && id.equals(candidate.get(key))) {
            match = (ObjectNode) candidate;
            break;
          }
        }
      }
      if (match != null) {
        mergeObject(match, (ObjectNode) item, path + ".*");
      } else {
        target.add(Json.withoutNulls(item));
      }
    }
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
