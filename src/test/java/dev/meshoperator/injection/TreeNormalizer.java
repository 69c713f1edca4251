package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Normalization applied to BOTH the expected (Istio's golden) and the actual object before they are
 * compared as Jackson trees. Map key order is irrelevant in trees anyway; list order counts.
 *
 * <p>Only artifacts of Go's typed serialization are removed, nothing the injector decides:
 *
 * <ul>
 *   <li>{@code null} members (Go writes {@code creationTimestamp: null}; null means absent);
 *   <li>empty lists (Go prints a list field without omitempty as {@code []} when it was emptied,
 *       e.g. {@code containers: []} once the only container moved to init containers; for the API
 *       an empty list and an absent one are the same);
 *   <li>empty objects under keys that are non-pointer structs in the Go API types and therefore
 *       always printed: {@code resources}, {@code strategy}, {@code updateStrategy}, {@code
 *       status}, {@code metadata}, {@code loadBalancer} ({@code emptyDir: {}} is meaningful and
 *       kept);
 *   <li>the top-level {@code status} of a document (injection never touches it; Go's typed round
 *       trip fills it with zero values for some kinds);
 *   <li>outside pod templates: the workload-spec fields {@code paused}, {@code minReadySeconds} and
 *       {@code test} when {@code false}/{@code 0} (Go's re-serialization of a DeploymentConfig
 *       drops the first two and adds the third; see {@link #OMITEMPTY_ZEROES}). Pod templates are
 *       compared strictly.
 *   <li>resource quantities are compared in canonical form ({@code 3000m} = {@code 3}): Go
 *       re-serializes every quantity of every container canonically; the engine canonicalizes only
 *       what it injects and leaves the user's containers as written. The injected containers
 *       themselves are compared as written.
 * </ul>
 */
public final class TreeNormalizer {

  private static final Set<String> GO_STRUCTS =
      Set.of("resources", "strategy", "updateStrategy", "status", "metadata", "loadBalancer");

  private static final Set<String> INJECTED =
      Set.of("istio-proxy", "istio-init", "istio-validation");

  /**
   * The workload-spec fields (outside pod templates) whose zero value Go's typed round trip of an
   * OpenShift DeploymentConfig changes, the only ones the corpus needs: {@code paused} and {@code
   * minReadySeconds} have {@code omitempty} (dropped when false/0), {@code test} has none (printed
   * as {@code false} though the input lacks it). Only these are removed, by name, when {@code
   * false} or {@code 0}; any other zero the engine dropped or added (a {@code replicas: 0}) shows.
   */
  private static final Set<String> OMITEMPTY_ZEROES = Set.of("paused", "minReadySeconds", "test");

  private TreeNormalizer() {}

  public static JsonNode document(JsonNode doc) {
    JsonNode n = clean(doc.deepCopy());
    if (n instanceof ObjectNode o) {
      o.remove("status");
      dropZeroesOutsideTemplates(o, "");
      canonicalQuantities(o);
    }
    return n;
  }

  /** A pod template compared as a Pod: {@code apiVersion}/{@code kind} are not part of it. */
  static JsonNode pod(JsonNode pod) {
    JsonNode n = clean(pod.deepCopy());
    if (n instanceof ObjectNode o) {
      o.remove("status");
      o.remove("apiVersion");
      o.remove("kind");
      canonicalQuantities(o);
    }
    return n;
  }

  private static JsonNode clean(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> remove = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = clean(e.getValue());
        e.setValue(v);
        if (v.isNull()
            || (v.isArray() && v.isEmpty())
            || (GO_STRUCTS.contains(e.getKey()) && v.isObject() && v.isEmpty())) {
          remove.add(e.getKey());
        }
      }
      remove.forEach(o::remove);
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, clean(a.get(i)));
      }
    }
    return node;
  }

  private static void dropZeroesOutsideTemplates(ObjectNode o, String path) {
    List<String> remove = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (key.equals("template") || key.equals("jobTemplate") || key.equals("items")) {
        if (key.equals("items") && v instanceof ArrayNode items) {
          for (JsonNode item : items) {
            if (item instanceof ObjectNode io) {
              io.remove("status");
              dropZeroesOutsideTemplates(io, "");
            }
          }
        }
        continue;
      }
      if (path.startsWith("spec") || key.equals("spec")) {
        if (OMITEMPTY_ZEROES.contains(key)
            && ((v.isBoolean() && !v.asBoolean()) || (v.isNumber() && v.asDouble() == 0))) {
          remove.add(key);
        } else if (v instanceof ObjectNode child) {
          dropZeroesOutsideTemplates(child, path.isEmpty() ? key : path + "." + key);
        }
      }
    }
    remove.forEach(o::remove);
  }

  private static void canonicalQuantities(JsonNode node) {
    if (node instanceof ObjectNode o) {
      if (o.has("resources") && INJECTED.contains(o.path("name").asText())) {
        // Injected containers are compared as written: canonical quantities are the engine's job.
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if ((e.getKey().equals("limits") || e.getKey().equals("requests"))
            && e.getValue() instanceof ObjectNode q) {
          for (Iterator<Map.Entry<String, JsonNode>> qi = q.fields(); qi.hasNext(); ) {
            Map.Entry<String, JsonNode> qe = qi.next();
            qe.setValue(
                JsonNodeFactory.instance.textNode(Quantities.canonical(qe.getValue().asText())));
          }
        } else {
          canonicalQuantities(e.getValue());
        }
      }
    } else if (node instanceof ArrayNode a) {
      a.forEach(TreeNormalizer::canonicalQuantities);
    }
  }
}
