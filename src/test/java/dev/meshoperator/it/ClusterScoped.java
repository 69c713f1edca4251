package dev.meshoperator.it;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The names of the cluster-scoped objects an install can leave behind, by kind. */
final class ClusterScoped {

  private ClusterScoped() {}

  static Map<String, Set<String>> list(KubernetesClient c) {
    Map<String, Set<String>> out = new TreeMap<>();
    out.put(
        "CustomResourceDefinition",
        names(c.apiextensions().v1().customResourceDefinitions().list().getItems()));
    out.put("ClusterRole", names(c.rbac().clusterRoles().list().getItems()));
    out.put("ClusterRoleBinding", names(c.rbac().clusterRoleBindings().list().getItems()));
    out.put(
        "MutatingWebhookConfiguration",
        names(c.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems()));
    out.put(
        "ValidatingWebhookConfiguration",
        names(c.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems()));
    out.put("PriorityClass", names(c.scheduling().v1().priorityClasses().list().getItems()));
    if (out.get("CustomResourceDefinition").contains("gatewayclasses.gateway.networking.k8s.io")) {
      out.put(
          "GatewayClass",
          names(
              c.genericKubernetesResources("gateway.networking.k8s.io/v1", "GatewayClass")
                  .list()
                  .getItems()));
    }
    return out;
  }

  /**
   * What {@code now} has that {@code before} had not, by kind (kinds with nothing new left out).
   */
  static Map<String, Set<String>> added(
      Map<String, Set<String>> before, Map<String, Set<String>> now) {
    Map<String, Set<String>> out = new TreeMap<>();
    now.forEach(
        (kind, names) -> {
          Set<String> n = new TreeSet<>(names);
          n.removeAll(before.getOrDefault(kind, Set.of()));
          if (!n.isEmpty()) {
            out.put(kind, n);
          }
        });
    return out;
  }

  private static Set<String> names(List<? extends HasMetadata> items) {
    return items.stream()
        .map(i -> i.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
