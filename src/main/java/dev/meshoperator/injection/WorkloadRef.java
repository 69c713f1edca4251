package dev.meshoperator.injection;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workload a pod belongs to (its controller, e.g. a Deployment), which names the proxy's
 * workload and owner.
 *
 * @param name workload name (the pod name when there is no controller)
 * @param namespace namespace, or empty when not known (rendered as {@code default})
 * @param kind kind of the workload ({@code Pod}, {@code Deployment}, ...), or empty
 * @param apiVersion API version of the workload, or empty
 */
public record WorkloadRef(String name, String namespace, String kind, String apiVersion) {

  private static final Pattern CRONJOB_JOB = Pattern.compile("^(.+)-\\d{8,10}$");

  public WorkloadRef {
    name = name == null ? "" : name;
    namespace = namespace == null ? "" : namespace;
    kind = kind == null ? "" : kind;
    apiVersion = apiVersion == null ? "" : apiVersion;
  }

  /**
   * Guesses the workload from the pod's controller reference, as Istio's webhook does: a ReplicaSet
   * whose name ends with the pod-template-hash is a Deployment, a Job named {@code
   * <name>-<timestamp>} a CronJob, and so on.
   */
  public static WorkloadRef fromPod(Pod pod) {
    ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    String name = meta.getName();
    String kind = "Pod";
    String apiVersion = "v1";
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    if (meta.getGenerateName() != null && !meta.getGenerateName().isEmpty()) {
      OwnerReference controller = null;
      if (meta.getOwnerReferences() != null) {
        for (OwnerReference ref : meta.getOwnerReferences()) {
          if (Boolean.TRUE.equals(ref.getController())) {
            controller = ref;
            break;
          }
        }
      }
      if (controller != null) {
        apiVersion = controller.getApiVersion();
        kind = controller.getKind();
        name = controller.getName();
        String hash = labels.getOrDefault("pod-template-hash", "");
        String rolloutHash = labels.getOrDefault("rollouts-pod-template-hash", "");
        String controllerName = controller.getName() == null ? "" : controller.getName();
        if ("ReplicaSet".equals(kind) && !hash.isEmpty() && controllerName.endsWith(hash)) {
          name = trimSuffix(controllerName, "-" + hash);
          kind = "Deployment";
        } else if ("ReplicaSet".equals(kind)
            && !rolloutHash.isEmpty()
            && controllerName.endsWith(rolloutHash)) {
          name = trimSuffix(controllerName, "-" + rolloutHash);
          kind = "Rollout";
          apiVersion = "v1alpha1";
        } else if ("ReplicationController".equals(kind)
            && !labels.getOrDefault("deploymentconfig", "").isEmpty()) {
          name = labels.get("deploymentconfig");
          kind = "DeploymentConfig";
        } else if ("Job".equals(kind)) {
          Matcher m = CRONJOB_JOB.matcher(controllerName);
          if (m.matches()) {
            name = m.group(1);
            kind = "CronJob";
            apiVersion = "batch/v1";
          }
        }
      }
    }
    if (name == null || name.isEmpty()) {
      name = meta.getName();
    }
    return new WorkloadRef(name, meta.getNamespace(), kind, apiVersion);
  }

  private static String trimSuffix(String s, String suffix) {
    return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
  }
}
