package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * What Go's typed round trip does to zero values a user wrote in a pod spec: {@code istioctl
 * kube-inject} decodes every object into the Kubernetes Go types and marshals it again, so a field
 * declared {@code omitempty} with a non-pointer type disappears when it holds its zero value
 * ({@code readOnly: false}, {@code initialDelaySeconds: 0}, {@code subPath: ""}). Istio's output is
 * the reference, so kube-inject drops the same fields, by name, and only those: pointer fields
 * ({@code automountServiceAccountToken}, a volume's {@code optional} or {@code defaultMode}) and
 * fields without {@code omitempty} keep their zero values in Go, and here.
 *
 * <p>The webhook needs none of this: the API server sends it pods already decoded into those types.
 */
final class GoOmitEmpty {

  /** PodSpec: {@code bool}/{@code string} fields with omitempty. */
  private static final Set<String> POD_SPEC =
      Set.of(
          "hostNetwork",
          "hostPID",
          "hostIPC",
          "serviceAccountName",
          "nodeName",
          "hostname",
          "subdomain",
          "schedulerName",
          "priorityClassName");

  /** Container: {@code bool}/{@code string} fields with omitempty. */
  private static final Set<String> CONTAINER =
      Set.of("stdin", "stdinOnce", "tty", "workingDir", "imagePullPolicy");

  /** VolumeMount: {@code readOnly} (bool), {@code subPath}, {@code subPathExpr} (string). */
  private static final Set<String> VOLUME_MOUNT = Set.of("readOnly", "subPath", "subPathExpr");

  /** Probe: the int32 fields with omitempty. */
  private static final Set<String> PROBE =
      Set.of(
          "initialDelaySeconds",
          "timeoutSeconds",
          "periodSeconds",
          "successThreshold",
          "failureThreshold");

  /** ContainerPort: {@code hostPort} (int32), {@code name}, {@code hostIP} (string). */
  private static final Set<String> PORT = Set.of("hostPort", "name", "hostIP");

  private static final List<String> CONTAINER_LISTS =
      List.of("containers", "initContainers", "ephemeralContainers");

  private static final List<String> PROBES =
      List.of("livenessProbe", "readinessProbe", "startupProbe");

  private GoOmitEmpty() {}

  /** Removes, in place, the zero values Go's marshalling of a PodSpec would not print. */
  static void podSpec(JsonNode spec) {
    if (!(spec instanceof ObjectNode s)) {
      return;
    }
    drop(s, POD_SPEC);
    for (String list : CONTAINER_LISTS) {
      for (JsonNode c : s.path(list)) {
        if (c instanceof ObjectNode container) {
          drop(container, CONTAINER);
          c.path("volumeMounts").forEach(m -> drop(m, VOLUME_MOUNT));
          c.path("ports").forEach(p -> drop(p, PORT));
          for (String probe : PROBES) {
            drop(c.path(probe), PROBE);
          }
        }
      }
    }
  }

  private static void drop(JsonNode node, Set<String> fields) {
    if (!(node instanceof ObjectNode o)) {
      return;
    }
    for (String f : fields) {
      JsonNode v = o.get(f);
      if (v != null
          && ((v.isBoolean() && !v.booleanValue())
              || (v.isNumber() && v.asLong() == 0 && v.asDouble() == 0)
              || (v.isTextual() && v.textValue().isEmpty()))) {
        o.remove(f);
      }
    }
  }
}
