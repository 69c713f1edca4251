package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.injection.InjectionPolicy;
import dev.meshoperator.injection.InjectionStatus;
import dev.meshoperator.injection.IstioAnnotations;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
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
 * few fields the report reads ({@link PodFacts}), so the operator's pod cache holds only those.
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
      Map<String, ? extends Collection<PodFacts>> podsByNamespace) {
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
      Collection<PodFacts> inNamespace = podsByNamespace.get(e.getKey());
      for (PodFacts pod : inNamespace == null ? List.<PodFacts>of() : inNamespace) {
        String ns = e.getKey();
        if (pod.finished()) {
          continue;
        }
        if (policy != null
            && !policy
                .podPolicy(pod.namespace(), pod.labels(), pod.injectAnnotation(), pod.hostNetwork())
                .inject()) {
          optedOut++;
          continue;
        }
        considered++;
        String name = ns + "/" + pod.name();
        if (pod.injectedBy() == null) {
          without.add(name);
        } else if (!revision.equals(pod.injectedBy())) {
          other.add(name);
        } else if (wantedTag != null
            && pod.proxyImage() != null
            && !wantedTag.equals(withoutVariant(tag(pod.proxyImage())))) {
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
   * A pod reduced to what {@link #report} and {@link InjectionPolicy#podPolicy} read: identity,
   * labels, the inject annotation, the injecting revision (from sidecar.istio.io/status; null
   * without one), the istio-proxy container's image, host networking and whether the pod has
   * finished. A record of a few strings (those many pods share kept once) instead of the several
   * kilobytes of a Pod, or the ~2 KB of even an emptied fabric8 Pod (each of its objects carries
   * maps and lists), so 10,000 pods cost about 3 MB.
   */
  public record PodFacts(
      String namespace,
      String name,
      String resourceVersion,
      Map<String, String> labels,
      String injectAnnotation,
      String injectedBy,
      String proxyImage,
      boolean hostNetwork,
      boolean finished) {

    public static PodFacts of(Pod pod) {
      return of(PodSummary.of(pod));
    }

    /** The facts of a pod as the informer reads it. */
    public static PodFacts of(PodSummary pod) {
      var meta = pod.getMetadata();
      Map<String, String> annotations =
          meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
      String phase = pod.getStatus() == null ? null : pod.getStatus().phase();
      var spec = pod.getSpec();
      String image =
          spec == null
              ? null
              : proxyContainer(spec.containers())
                  .or(() -> proxyContainer(spec.initContainers()))
                  .map(PodSummary.ContainerRef::image)
                  .orElse(null);
      // Kept for as long as the pod lives: what many pods share (their namespace, label keys and
      // values such as app=reviews, the proxy image, the revision) is kept once, not once per
      // pod as parsed (about a third of the facts' heap at 10,000 pods). Interned strings are
      // collected like others once nothing holds them.
      return new PodFacts(
          intern(meta.getNamespace()),
          meta.getName(),
          meta.getResourceVersion(),
          meta.getLabels() == null || meta.getLabels().isEmpty()
              ? Map.of()
              : shared(meta.getLabels()),
          intern(annotations.get(IstioAnnotations.SIDECAR_INJECT)),
          intern(
              InjectionStatus.parse(annotations.get(IstioAnnotations.SIDECAR_STATUS))
                  .map(SidecarHealth::revisionOf)
                  .orElse(null)),
          intern(image),
          spec != null && Boolean.TRUE.equals(spec.hostNetwork()),
          meta.getDeletionTimestamp() != null
              || "Succeeded".equals(phase)
              || "Failed".equals(phase));
    }

    private static String intern(String s) {
      return s == null ? null : s.intern();
    }

    private static Map<String, String> shared(Map<String, String> labels) {
      var copy = new java.util.HashMap<String, String>(labels.size() * 2);
      labels.forEach((k, v) -> copy.put(intern(k), intern(v)));
      return Map.copyOf(copy);
    }

    /**
     * A pod summary with these facts only (for the informer's store API); {@code of(toSummary())}
     * gives these facts back.
     */
    public PodSummary toSummary() {
      Map<String, String> annotations = new LinkedHashMap<>();
      if (injectAnnotation != null) {
        annotations.put(IstioAnnotations.SIDECAR_INJECT, injectAnnotation);
      }
      if (injectedBy != null) {
        annotations.put(
            IstioAnnotations.SIDECAR_STATUS,
            "{\"revision\":\"" + injectedBy.replace("\"", "") + "\"}");
      }
      var meta = new PodSummary.Meta();
      meta.setName(name);
      meta.setNamespace(namespace);
      meta.setResourceVersion(resourceVersion);
      meta.setLabels(labels.isEmpty() ? null : labels);
      meta.setAnnotations(annotations.isEmpty() ? null : annotations);
      return new PodSummary(
          meta,
          new PodSummary.Spec(
              hostNetwork ? true : null,
              proxyImage == null
                  ? List.of()
                  : List.of(new PodSummary.ContainerRef(PROXY, proxyImage)),
              null),
          finished ? new PodSummary.Status("Succeeded") : null);
    }
  }

  private static Optional<PodSummary.ContainerRef> proxyContainer(
      List<PodSummary.ContainerRef> containers) {
    return containers == null
        ? Optional.empty()
        : containers.stream().filter(c -> PROXY.equals(c.name())).findFirst();
  }

  private static String revisionOf(InjectionStatus status) {
    String r = status.revision();
    return r == null || r.isEmpty() ? MeshNames.DEFAULT_REVISION : r;
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
