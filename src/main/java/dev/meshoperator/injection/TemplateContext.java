package dev.meshoperator.injection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a template sees of one injection: the pod (with previously injected parts removed), its
 * workload, the settings and the effective proxy config.
 *
 * @param pod the pod being injected; templates must not modify it
 * @param workload the pod's workload
 * @param settings injection settings
 * @param proxyConfig effective ProxyConfig (mesh default plus the pod's annotation), JSON form
 * @param nativeSidecars the global native sidecar setting (pods may override it)
 * @param proxyImage resolved proxy image
 * @param proxyInitImage resolved init image
 */
public record TemplateContext(
    Pod pod,
    WorkloadRef workload,
    InjectionSettings settings,
    ObjectNode proxyConfig,
    boolean nativeSidecars,
    String proxyImage,
    String proxyInitImage) {

  /** The pod's annotations (never null). */
  public Map<String, String> annotations() {
    ObjectMeta meta = pod.getMetadata();
    return meta == null || meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
  }

  /** The pod's labels (never null). */
  public Map<String, String> labels() {
    ObjectMeta meta = pod.getMetadata();
    return meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels();
  }

  /** The annotation's value when set (even if empty), otherwise {@code fallback}. */
  public String annotation(String name, Object fallback) {
    String v = annotations().get(name);
    return v != null ? v : String.valueOf(fallback);
  }

  /** The annotation's value when set and non-empty, otherwise {@code fallback}. */
  public String annotationOrDefault(String name, String fallback) {
    String v = annotations().get(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  public boolean hasAnnotation(String name) {
    return annotations().containsKey(name);
  }

  /** The first non-empty value among the given labels, else {@code fallback}. */
  public String labelOrDefault(String fallback, String... names) {
    for (String name : names) {
      String v = labels().get(name);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return fallback;
  }

  public PodSpec spec() {
    return pod.getSpec() == null ? new PodSpec() : pod.getSpec();
  }

  public List<Container> containers() {
    return spec().getContainers() == null ? List.of() : spec().getContainers();
  }

  /** Names of the application containers (all containers but the proxy), in order. */
  public List<String> appContainerNames() {
    List<String> names = new ArrayList<>();
    for (Container c : containers()) {
      if (!Injector.PROXY_CONTAINER.equals(c.getName())) {
        names.add(c.getName());
      }
    }
    return names;
  }

  /** Effective interception mode: the pod's annotation, else the proxy config's. */
  public String interceptionMode() {
    return annotation(
        IstioAnnotations.INTERCEPTION_MODE, ProxyConfigs.interceptionMode(proxyConfig));
  }

  /** Effective native sidecar mode: the pod's annotation (unless empty), else the setting. */
  public boolean nativeSidecar() {
    return !"false"
        .equals(
            annotationOrDefault(IstioAnnotations.NATIVE_SIDECAR, String.valueOf(nativeSidecars)));
  }

  /** The status port as configured by annotation or setting ({@code "0"} = disabled). */
  public String statusPort() {
    return annotation(IstioAnnotations.STATUS_PORT, settings.statusPort());
  }

  /** Proxy metadata of the effective proxy config, sorted by key. */
  public Map<String, String> proxyMetadata() {
    return ProxyConfigs.proxyMetadata(proxyConfig);
  }
}
