package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders container specs in the field order of the Kubernetes Go types. Istio stores container
 * overrides as JSON in a pod annotation; producing the same text keeps re-injection by either
 * implementation stable.
 */
final class GoJson {

  private static final List<String> CONTAINER =
      List.of(
          "name",
          "image",
          "command",
          "args",
          "workingDir",
          "ports",
          "envFrom",
          "env",
          "resources",
          "resizePolicy",
          "restartPolicy",
          "restartPolicyRules",
          "volumeMounts",
          "volumeDevices",
          "livenessProbe",
          "readinessProbe",
          "startupProbe",
          "lifecycle",
          "terminationMessagePath",
          "terminationMessagePolicy",
          "imagePullPolicy",
          "securityContext",
          "stdin",
          "stdinOnce",
          "tty");
  private static final List<String> PROBE =
      List.of(
          "exec",
          "httpGet",
          "tcpSocket",
          "grpc",
          "initialDelaySeconds",
          "timeoutSeconds",
          "periodSeconds",
          "successThreshold",
          "failureThreshold",
          "terminationGracePeriodSeconds");
  private static final List<String> HANDLER = List.of("exec", "httpGet", "tcpSocket", "sleep");
  private static final List<String> HTTP_GET =
      List.of("path", "port", "host", "scheme", "httpHeaders");
  private static final List<String> TCP = List.of("port", "host");
  private static final List<String> LIFECYCLE = List.of("postStart", "preStop", "stopSignal");
  private static final List<String> SECURITY =
      List.of(
          "capabilities",
          "privileged",
          "seLinuxOptions",
          "windowsOptions",
          "runAsUser",
          "runAsGroup",
          "runAsNonRoot",
          "readOnlyRootFilesystem",
          "allowPrivilegeEscalation",
          "procMount",
          "seccompProfile",
          "appArmorProfile");
  private static final List<String> RESOURCES = List.of("limits", "requests", "claims");
  private static final List<String> PORT =
      List.of("name", "hostPort", "containerPort", "protocol", "hostIP");
  private static final List<String> ENV = List.of("name", "value", "valueFrom");
  private static final List<String> MOUNT =
      List.of(
          "name",
          "readOnly",
          "recursiveReadOnly",
          "mountPath",
          "subPath",
          "mountPropagation",
          "subPathExpr");

  private GoJson() {}

  /** A container in Go field order; like Go, always with {@code resources}. */
  static ObjectNode container(JsonNode container) {
    ObjectNode c = order(container, CONTAINER);
    if (!c.has("resources")) {
      c = withResources(c);
    }
    reorder(c, "resources", RESOURCES);
    if (c.get("resources") instanceof ObjectNode res) {
      sortMap(res, "limits");
      sortMap(res, "requests");
    }
    reorder(c, "securityContext", SECURITY);
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      reorder(c, probe, PROBE);
      if (c.get(probe) instanceof ObjectNode p) {
        reorder(p, "httpGet", HTTP_GET);
        reorder(p, "tcpSocket", TCP);
      }
    }
    reorder(c, "lifecycle", LIFECYCLE);
    if (c.get("lifecycle") instanceof ObjectNode l) {
      for (String h : List.of("postStart", "preStop")) {
        reorder(l, h, HANDLER);
        if (l.get(h) instanceof ObjectNode handler) {
          reorder(handler, "httpGet", HTTP_GET);
          reorder(handler, "tcpSocket", TCP);
        }
      }
    }
    reorderItems(c, "ports", PORT);
    reorderItems(c, "env", ENV);
    reorderItems(c, "volumeMounts", MOUNT);
    return c;
  }

  private static ObjectNode withResources(ObjectNode c) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    boolean added = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!added && CONTAINER.indexOf(e.getKey()) > CONTAINER.indexOf("resources")) {
        out.putObject("resources");
        added = true;
      }
      out.set(e.getKey(), e.getValue());
    }
    if (!added) {
      out.putObject("resources");
    }
    return out;
  }

  /** Sorted like a Go map; quantities canonical as after a typed round trip. */
  private static void sortMap(ObjectNode parent, String field) {
    if (parent.get(field) instanceof ObjectNode map) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      map.fields()
          .forEachRemaining(
              e ->
                  sorted.put(
                      e.getKey(),
                      e.getValue().isTextual()
                          ? TextNode.valueOf(Quantities.canonical(e.getValue().asText()))
                          : e.getValue()));
      ObjectNode out = Json.MAPPER.createObjectNode();
      sorted.forEach(out::set);
      parent.set(field, out);
    }
  }

  private static void reorder(ObjectNode parent, String field, List<String> order) {
    JsonNode child = parent.get(field);
    if (child instanceof ObjectNode) {
      parent.set(field, order(child, order));
    }
  }

  private static void reorderItems(ObjectNode parent, String field, List<String> order) {
    JsonNode child = parent.get(field);
    if (child instanceof ArrayNode array) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      for (JsonNode item : array) {
        out.add(item.isObject() ? order(item, order) : item);
      }
      parent.set(field, out);
    }
  }

  private static ObjectNode order(JsonNode node, List<String> order) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    List<String> rest = new ArrayList<>();
    node.fieldNames().forEachRemaining(rest::add);
    for (String key : order) {
      if (node.has(key)) {
        out.set(key, node.get(key).deepCopy());
        rest.remove(key);
      }
    }
    for (String key : rest) {
      out.set(key, node.get(key).deepCopy());
    }
    return out;
  }
}
