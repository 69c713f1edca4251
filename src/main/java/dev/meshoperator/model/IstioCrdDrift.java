package dev.meshoperator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which fields of one of the operator's own Istio CRDs differ from what it wants: its labels, and
 * the whole of {@code spec.group}, {@code spec.scope}, {@code spec.names} and {@code spec.versions}
 * (names, served/storage flags, schemas, subresources, printer columns). Exact, not "desired is a
 * subset": a property added to a schema by {@code kubectl edit} is drift too.
 *
 * <p>What is not compared, because the apiserver owns or defaults it: {@code spec.conversion}
 * (defaulted to {@code None}), {@code spec.preserveUnknownFields}, {@code status}, and metadata
 * other than the operator's labels (others may add labels and annotations).
 *
 * <p>Pure.
 */
public final class IstioCrdDrift {

  // fabric8's models carry their own Jackson annotations; no client-side mapper is needed.
  private static final ObjectMapper JSON = new ObjectMapper();

  private IstioCrdDrift() {}

  /** The differing fields, e.g. {@code [spec.versions]}; empty if none. */
  public static List<String> differences(
      CustomResourceDefinition desired, CustomResourceDefinition actual) {
    List<String> drift = new ArrayList<>();
    Map<String, String> want = desired.getMetadata().getLabels();
    Map<String, String> have = actual.getMetadata().getLabels();
    if (want != null) {
      want.forEach(
          (k, v) -> {
            if (have == null || !v.equals(have.get(k))) {
              drift.add("metadata.labels[" + k + "]");
            }
          });
    }
    CustomResourceDefinitionSpec d = desired.getSpec();
    CustomResourceDefinitionSpec a = actual.getSpec();
    if (a == null) {
      drift.add("spec");
      return drift;
    }
    if (!Objects.equals(d.getGroup(), a.getGroup())) {
      drift.add("spec.group");
    }
    if (!Objects.equals(d.getScope(), a.getScope())) {
      drift.add("spec.scope");
    }
    if (!tree(d.getNames()).equals(tree(a.getNames()))) {
      drift.add("spec.names");
    }
    if (!tree(d.getVersions()).equals(tree(a.getVersions()))) {
      drift.add("spec.versions");
    }
    return drift;
  }

  /**
   * JSON of {@code value} without nulls and empty arrays: Go's {@code omitempty} drops empty lists
   * (e.g. no short names) that the Java side may carry as {@code []}. Empty objects are kept:
   * {@code subresources.status: {}} is meaningful.
   */
  static JsonNode tree(Object value) {
    JsonNode node = JSON.valueToTree(value);
    strip(node);
    return node;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        var e = it.next();
        strip(e.getValue());
        if (e.getValue().isNull() || (e.getValue() instanceof ArrayNode arr && arr.isEmpty())) {
          it.remove();
        }
      }
    } else if (node instanceof ArrayNode arr) {
      arr.forEach(IstioCrdDrift::strip);
    }
  }
}
