package dev.meshoperator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Kubernetes object as its leaves, {@code path -> value}, for field-by-field comparison of two
 * renderings of the same object (Istio's chart and the operator's model).
 *
 * <p>What is normalized, and why each is a no-op for the apiserver:
 *
 * <ul>
 *   <li>list items with an identity are keyed by it, not by position: {@code name} (containers,
 *       env, ports, volumes, webhooks, CRD versions), {@code key} (selector requirements), and for
 *       RBAC rules their API groups and resources. Positional lists whose order means nothing are
 *       compared as sets: a rule's {@code verbs}, {@code apiGroups}, {@code resources}, a webhook
 *       rule's {@code operations}, a requirement's {@code values}. Order-bearing lists ({@code
 *       args}, {@code command}) stay ordered.
 *   <li>nulls, empty strings, empty maps and empty lists are dropped: the chart writes {@code env:}
 *       with nothing after it, and the apiserver stores neither.
 *   <li>ConfigMap values holding YAML (mesh config, the injector's values) are parsed and their
 *       leaves compared under {@code data[<key>]}, so key order and quoting do not count.
 *   <li>scalars compare as text: {@code 15014} and {@code "15014"} are one value where the chart
 *       writes a number as a string (an env value is always a string anyway).
 * </ul>
 */
final class ObjectLeaves {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> SET_LISTS =
      Set.of("verbs", "apiGroups", "resources", "operations", "values", "apiVersions");
  private static final Set<String> YAML_DATA = Set.of("mesh", "meshNetworks", "values", "config");

  private ObjectLeaves() {}

  static Map<String, String> of(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    flatten("", "", object, out);
    return out;
  }

  private static void flatten(String prefix, String field, JsonNode node, Map<String, String> out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
        JsonNode v = e.getValue();
        if (prefix.equals("data") && YAML_DATA.contains(e.getKey()) && v.isTextual()) {
          flatten("data[" + e.getKey() + "]", "", parse(v.asText()), out);
        } else {
          flatten(path, e.getKey(), v, out);
        }
      }
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        return;
      }
      boolean scalars = true;
      for (JsonNode item : node) {
        scalars &= item.isValueNode();
      }
      if (scalars) {
        List<String> items = new ArrayList<>();
        node.forEach(i -> items.add(i.asText()));
        if (SET_LISTS.contains(field)) {
          items.sort(null);
        }
        out.put(prefix, String.join(",", items));
        return;
      }
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        flatten(prefix + "[" + key(item, i) + "]", "", item, out);
      }
    } else if (!(node.isTextual() && node.asText().isEmpty())) {
      out.put(prefix, node.asText());
    }
  }

  /** An item's identity within its list. */
  private static String key(JsonNode item, int index) {
    if (!item.isObject()) {
      return String.valueOf(index);
    }
    if (item.has("name") && item.get("name").isTextual()) {
      return item.get("name").asText();
    }
    if (item.has("key") && item.get("key").isTextual()) {
      return item.get("key").asText();
    }
    if (item.has("verbs")) {
      return sorted(item.get("apiGroups")) + "/" + sorted(item.get("resources"));
    }
    return String.valueOf(index);
  }

  private static String sorted(JsonNode list) {
    List<String> items = new ArrayList<>();
    if (list != null) {
      list.forEach(i -> items.add(i.asText().isEmpty() ? "core" : i.asText()));
    }
    items.sort(null);
    return String.join("+", items);
  }

  private static JsonNode parse(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not YAML: " + yaml, e);
    }
  }
}
