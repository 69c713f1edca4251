package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.injection.InjectionPolicy;
import dev.meshoperator.injection.InjectionStatus;
import dev.meshoperator.injection.IstioAnnotations;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The health report of one revision ({@link HealthStatus}), as a pure function of the namespaces,
 * the pods and the revision's injection policy and proxy tag. Also the reduction of a Pod to the
 * few fields the report reads ({@link #slim}), so the operator's pod cache holds only those.
 */
public final class SidecarHealth {

  private SidecarHealth() {}

  /** The injected proxy container's name (a container, or an init container when native). */
  static final String PROXY = "istio-proxy";

  private static final Set<String> VARIANTS = Set.of("distroless", "debug");

  /**
   * Whether {@code labels} (a namespace's) select {@code revision}: istio-injection=enabled selects
   * the default revision and wins over istio.io/rev, as in Istio's webhook selectors.
   */
  public static boolean enables(Map<String, String> labels, String revision) {
    if (labels == null) {
      return false;
    }
    String injection = labels.get(IstioAnnotations.ISTIO_INJECTION_LABEL);
    if ("disabled".equals(injection)) {
      return false;
    }
    if ("enabled".equals(injection)) {
      return MeshNames.DEFAULT_REVISION.equals(revision);
    }
    return revision.equals(labels.get(IstioAnnotations.REV));
  }

  /**
   * The report for {@code revision}.
   *
   * @param policy the revision's injection policy (opt-outs, never/always selectors); null when
   *     unknown, then every pod counts as wanting a sidecar
   * @param proxyTag the tag the revision's proxy image has now (its version), or null to skip the
   *     version check
   * @param podsByNamespace pods by namespace name (only those of enabled namespaces are read)
   */
  public static HealthStatus report(
      String revision,
      InjectionPolicy policy,
      String proxyTag,
      Collection<Namespace> namespaces,
      Map<String, ? extends Collection<Pod>> podsByNamespace) {
    Map<String, Map<String, String>> enabled = new LinkedHashMap<>();
    for (Namespace ns : namespaces) {
      if (enables(ns.getMetadata().getLabels(), revision)) {
        enabled.put(ns.getMetadata().getName(), ns.getMetadata().getLabels());
      }
    }
    String wantedTag = proxyTag == null ? null : withoutVariant(proxyTag);
    int considered = 0;
    int upToDate = 0;
    int optedOut = 0;
    Names without = new Names();
    Names other = new Names();
    Names older = new Names();
    for (Map.Entry<String, Map<String, String>> e : enabled.entrySet()) {
      Collection<Pod> inNamespace = podsByNamespace.get(e.getKey());
      for (Pod pod : inNamespace == null ? List.<Pod>of() : inNamespace) {
        String ns = e.getKey();
        if (finished(pod)) {
          continue;
        }
        if (policy != null && !policy.podPolicy(pod).inject()) {
          optedOut++;
          continue;
        }
        considered++;
        String name = ns + "/" + pod.getMetadata().getName();
        Optional<InjectionStatus> status = injected(pod);
        if (status.isEmpty()) {
          without.add(name);
        } else if (!revision.equals(revisionOf(status.get()))) {
          other.add(name);
        } else if (wantedTag != null
            && proxyImage(pod).map(i -> !wantedTag.equals(withoutVariant(tag(i)))).orElse(false)) {
          older.add(name);
        } else {
          upToDate++;
        }
      }
    }
    var report = new HealthStatus();
    report.namespaces = new HealthStatus.Group(enabled.size(), first(enabled.keySet()));
    report.pods = considered;
    report.upToDate = upToDate;
    report.withoutSidecar = without.group();
    report.otherRevision = other.group();
    report.olderVersion = older.group();
    report.optedOut = optedOut;
    return report;
  }

  /** One sentence for the condition's message, naming the groups that need a restart. */
  public static String sentence(String revision, HealthStatus h) {
    StringBuilder s =
        new StringBuilder()
            .append(h.namespaces.count())
            .append(h.namespaces.count() == 1 ? " namespace" : " namespaces")
            .append(" enabled for revision ")
            .append(revision);
    if (h.namespaces.examples != null) {
      s.append(" (").append(String.join(", ", h.namespaces.examples));
      s.append(h.namespaces.count() > h.namespaces.examples.size() ? ", ...)" : ")");
    }
    s.append(", ").append(h.pods).append(h.pods == 1 ? " pod" : " pods");
    if (h.needRestart() == 0) {
      return s.append(", every one with its current sidecar").toString();
    }
    s.append("; need a restart (kubectl rollout restart):");
    part(s, h.withoutSidecar, "without a sidecar");
    part(s, h.otherRevision, "with another revision's sidecar");
    part(s, h.olderVersion, "with another version's sidecar");
    return s.toString();
  }

  private static void part(StringBuilder s, HealthStatus.Group g, String what) {
    if (g == null || g.count() == 0) {
      return;
    }
    if (s.charAt(s.length() - 1) != ':') {
      s.append(';');
    }
    s.append(' ').append(g.count()).append(' ').append(what);
    if (g.examples != null) {
      s.append(" (").append(String.join(", ", g.examples));
      s.append(g.count() > g.examples.size() ? ", ...)" : ")");
    }
  }

  /**
   * The pod reduced to what {@link #report} and {@link InjectionPolicy#evaluate} read: identity,
   * labels, the inject annotation, the injecting revision (from sidecar.istio.io/status), host
   * networking, the istio-proxy container's image and whether the pod has finished. About 300 bytes
   * instead of several kilobytes, so 10,000 pods cost a few megabytes.
   */
  public static Pod slim(Pod pod) {
    var meta = pod.getMetadata();
    Map<String, String> annotations = new LinkedHashMap<>();
    Map<String, String> all = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    String inject = all.get(IstioAnnotations.SIDECAR_INJECT);
    if (inject != null) {
      annotations.put(IstioAnnotations.SIDECAR_INJECT, inject);
    }
    InjectionStatus.parse(all.get(IstioAnnotations.SIDECAR_STATUS))
        .ifPresent(
            st ->
                annotations.put(
                    IstioAnnotations.SIDECAR_STATUS,
                    "{\"revision\":\"" + revisionOf(st).replace("\"", "") + "\"}"));
    var b =
        new PodBuilder()
            .withNewMetadata()
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .withDeletionTimestamp(meta.getDeletionTimestamp())
            .withLabels(meta.getLabels() == null ? null : Map.copyOf(meta.getLabels()))
            .withAnnotations(annotations.isEmpty() ? null : annotations)
            .endMetadata();
    var spec = pod.getSpec();
    if (spec != null) {
      List<Container> proxy = new ArrayList<>();
      proxyContainer(spec.getContainers())
          .or(() -> proxyContainer(spec.getInitContainers()))
          .ifPresent(
              c ->
                  proxy.add(
                      new ContainerBuilder().withName(PROXY).withImage(c.getImage()).build()));
      b.withNewSpec()
          .withHostNetwork(Boolean.TRUE.equals(spec.getHostNetwork()) ? true : null)
          .withContainers(proxy)
          .endSpec();
    }
    if (pod.getStatus() != null && pod.getStatus().getPhase() != null) {
      b.withNewStatus().withPhase(pod.getStatus().getPhase()).endStatus();
    }
    return b.build();
  }

  private static Optional<Container> proxyContainer(List<Container> containers) {
    return containers == null
        ? Optional.empty()
        : containers.stream().filter(c -> PROXY.equals(c.getName())).findFirst();
  }

  private static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return pod.getMetadata().getDeletionTimestamp() != null
        || "Succeeded".equals(phase)
        || "Failed".equals(phase);
  }

  private static Optional<InjectionStatus> injected(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    return annotations == null
        ? Optional.empty()
        : InjectionStatus.parse(annotations.get(IstioAnnotations.SIDECAR_STATUS));
  }

  private static String revisionOf(InjectionStatus status) {
    String r = status.revision();
    return r == null || r.isEmpty() ? MeshNames.DEFAULT_REVISION : r;
  }

  private static Optional<String> proxyImage(Pod pod) {
    if (pod.getSpec() == null) {
      return Optional.empty();
    }
    return proxyContainer(pod.getSpec().getContainers())
        .or(() -> proxyContainer(pod.getSpec().getInitContainers()))
        .map(Container::getImage);
  }

  /** The tag of an image reference ({@code hub/proxyv2:1.30.2} → {@code 1.30.2}). */
  static String tag(String image) {
    int at = image.indexOf('@');
    String ref = at >= 0 ? image.substring(0, at) : image;
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    return colon > slash ? ref.substring(colon + 1) : "";
  }

  /** {@code 1.30.2-distroless} → {@code 1.30.2}: the variant does not change the version. */
  static String withoutVariant(String tag) {
    int dash = tag.lastIndexOf('-');
    return dash > 0 && VARIANTS.contains(tag.substring(dash + 1)) ? tag.substring(0, dash) : tag;
  }

  private static List<String> first(Collection<String> names) {
    TreeSet<String> sorted = new TreeSet<>(names);
    List<String> out = new ArrayList<>();
    for (String n : sorted) {
      if (out.size() == HealthStatus.EXAMPLES) {
        break;
      }
      out.add(n);
    }
    return out;
  }

  /** A count and the alphabetically first names, so the examples do not flap between polls. */
  private static final class Names {
    private final TreeSet<String> smallest = new TreeSet<>();
    private int count;

    void add(String name) {
      count++;
      smallest.add(name);
      if (smallest.size() > HealthStatus.EXAMPLES) {
        smallest.pollLast();
      }
    }

    HealthStatus.Group group() {
      return new HealthStatus.Group(count, new ArrayList<>(smallest));
    }
  }
}
