package dev.meshoperator.model.addons;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of Prometheus to say what a scrape job does with a pod: the targets Kubernetes
 * service discovery makes for it ({@code role: pod}: one per declared container port, init
 * containers included, or one per port-less container), then the job's {@code keep}, {@code drop}
 * and {@code replace} relabelings, with Prometheus' semantics (source labels joined by {@code ;},
 * regexes anchored at both ends, {@code $n} expanded, missing labels read as empty). Test code: the
 * regexes this project writes are plain enough to mean the same in Java and RE2.
 */
final class Relabeling {

  /** Where a target is scraped. */
  record Target(String address, String scheme, String path) {}

  private Relabeling() {}

  /**
   * The distinct scrape targets {@code job} keeps for {@code pod} (Prometheus drops duplicates).
   */
  @SuppressWarnings("unchecked")
  static Set<Target> targets(Map<String, Object> job, Pod pod) {
    Set<Target> out = new LinkedHashSet<>();
    for (Map<String, String> labels : discovered(pod)) {
      Map<String, String> l = new LinkedHashMap<>(labels);
      boolean kept = true;
      for (Object rule : (List<Object>) job.getOrDefault("relabel_configs", List.of())) {
        if (!apply((Map<String, Object>) rule, l)) {
          kept = false;
          break;
        }
      }
      if (kept) {
        out.add(new Target(l.get("__address__"), l.get("__scheme__"), l.get("__metrics_path__")));
      }
    }
    return out;
  }

  static List<Map<String, String>> discovered(Pod pod) {
    Map<String, String> common = new LinkedHashMap<>();
    common.put("__scheme__", "http");
    common.put("__metrics_path__", "/metrics");
    common.put("__meta_kubernetes_namespace", pod.getMetadata().getNamespace());
    common.put("__meta_kubernetes_pod_name", pod.getMetadata().getName());
    common.put("__meta_kubernetes_pod_ip", pod.getStatus().getPodIP());
    common.put("__meta_kubernetes_pod_phase", pod.getStatus().getPhase());
    if (pod.getMetadata().getLabels() != null) {
      pod.getMetadata()
          .getLabels()
          .forEach((k, v) -> common.put("__meta_kubernetes_pod_label_" + sanitize(k), v));
    }
    if (pod.getMetadata().getAnnotations() != null) {
      pod.getMetadata()
          .getAnnotations()
          .forEach((k, v) -> common.put("__meta_kubernetes_pod_annotation_" + sanitize(k), v));
    }
    List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      containers.addAll(pod.getSpec().getInitContainers());
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (Container c : containers) {
      List<ContainerPort> ports = c.getPorts() == null ? List.of() : c.getPorts();
      if (ports.isEmpty()) {
        Map<String, String> t = new LinkedHashMap<>(common);
        t.put("__address__", pod.getStatus().getPodIP());
        t.put("__meta_kubernetes_pod_container_name", c.getName());
        out.add(t);
      }
      for (ContainerPort p : ports) {
        Map<String, String> t = new LinkedHashMap<>(common);
        t.put("__address__", pod.getStatus().getPodIP() + ":" + p.getContainerPort());
        t.put("__meta_kubernetes_pod_container_name", c.getName());
        t.put("__meta_kubernetes_pod_container_port_number", String.valueOf(p.getContainerPort()));
        t.put("__meta_kubernetes_pod_container_port_name", p.getName() == null ? "" : p.getName());
        out.add(t);
      }
    }
    return out;
  }

  /** Applies one relabel rule; false when the target is dropped. */
  @SuppressWarnings("unchecked")
  private static boolean apply(Map<String, Object> rule, Map<String, String> labels) {
    List<String> sources = (List<String>) rule.getOrDefault("source_labels", List.of());
    String separator = (String) rule.getOrDefault("separator", ";");
    String value =
        String.join(separator, sources.stream().map(s -> labels.getOrDefault(s, "")).toList());
    Pattern regex = Pattern.compile("^(?:" + rule.getOrDefault("regex", "(.*)") + ")$");
    Matcher m = regex.matcher(value);
    String action = (String) rule.getOrDefault("action", "replace");
    switch (action) {
      case "keep":
        return m.matches();
      case "drop":
        return !m.matches();
      case "replace":
        if (m.matches()) {
          String replacement = (String) rule.getOrDefault("replacement", "$1");
          String result = m.replaceFirst(replacement.replace("${", "$").replace("}", ""));
          String target = (String) rule.get("target_label");
          if (result.isEmpty()) {
            labels.remove(target);
          } else {
            labels.put(target, result);
          }
        }
        return true;
      default:
        throw new IllegalArgumentException("relabel action not simulated: " + action);
    }
  }

  private static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }
}
