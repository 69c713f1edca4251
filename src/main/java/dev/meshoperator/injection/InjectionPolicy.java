package dev.meshoperator.injection;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a pod is injected, combining what Istio splits between the webhook configuration
 * (which revision's webhook sees the pod, by namespace and pod labels) and the injector's own
 * policy (pod opt-in/out, selectors, default policy).
 *
 * @param mode the injector's default policy for pods that neither opt in nor out
 * @param revision the revision this injector serves
 * @param revisionTags further names (tags) that select this revision
 * @param neverInjectSelector pods matching any of these are not injected unless they opt in
 * @param alwaysInjectSelector pods matching any of these are injected unless they opt out
 * @param ignoredNamespaces namespaces never injected
 * @param enableNamespacesByDefault inject in namespaces without any injection label
 */
public record InjectionPolicy(
    Mode mode,
    String revision,
    Set<String> revisionTags,
    List<LabelSelector> neverInjectSelector,
    List<LabelSelector> alwaysInjectSelector,
    Set<String> ignoredNamespaces,
    boolean enableNamespacesByDefault) {

  /** The injector's default policy. */
  public enum Mode {
    /** Inject unless the pod opts out. */
    ENABLED,
    /** Inject only pods that opt in. */
    DISABLED
  }

  /** Kubernetes' system namespaces, which Istio never injects. */
  public static final Set<String> SYSTEM_NAMESPACES =
      Set.of("kube-system", "kube-public", "kube-node-lease", "local-path-storage");

  public InjectionPolicy {
    Objects.requireNonNull(mode, "mode");
    revision = revision == null || revision.isEmpty() ? "default" : revision;
    revisionTags = Set.copyOf(revisionTags == null ? Set.of() : revisionTags);
    neverInjectSelector =
        List.copyOf(neverInjectSelector == null ? List.of() : neverInjectSelector);
    alwaysInjectSelector =
        List.copyOf(alwaysInjectSelector == null ? List.of() : alwaysInjectSelector);
    ignoredNamespaces =
        Set.copyOf(ignoredNamespaces == null ? SYSTEM_NAMESPACES : ignoredNamespaces);
  }

  /** Istio's defaults: policy enabled, revision {@code default}, system namespaces ignored. */
  public static InjectionPolicy defaults() {
    return new InjectionPolicy(
        Mode.ENABLED, "default", Set.of(), List.of(), List.of(), SYSTEM_NAMESPACES, false);
  }

  /**
   * The full decision for a pod in a namespace with the given labels.
   *
   * @param pod the pod (its namespace is taken from {@code namespace})
   * @param namespace the pod's namespace
   * @param namespaceLabels labels of that namespace
   */
  public InjectionDecision evaluate(
      Pod pod, String namespace, Map<String, String> namespaceLabels) {
    Map<String, String> nsLabels = namespaceLabels == null ? Map.of() : namespaceLabels;
    Map<String, String> podLabels = labels(pod);
    if (pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
      return InjectionDecision.no(
          "", "pod uses host networking; injection would change the node's network");
    }
    if (namespace != null && ignoredNamespaces.contains(namespace)) {
      return InjectionDecision.no(
          "", "namespace " + namespace + " is a system namespace and never injected");
    }
    String nsInjection = nsLabels.get(IstioAnnotations.ISTIO_INJECTION_LABEL);
    if ("disabled".equals(nsInjection)) {
      return InjectionDecision.no(
          "", "namespace " + namespace + " has label istio-injection=disabled");
    }
    String selected;
    String via;
    if ("enabled".equals(nsInjection)) {
      // istio-injection=enabled wins over istio.io/rev, as with Istio's webhook configuration.
      selected = "default";
      via = "namespace label istio-injection=enabled";
    } else if (nsLabels.containsKey(IstioAnnotations.REV)) {
      selected = nsLabels.get(IstioAnnotations.REV);
      via = "namespace label istio.io/rev=" + selected;
    } else if (podLabels.containsKey(IstioAnnotations.REV)) {
      selected = podLabels.get(IstioAnnotations.REV);
      via = "pod label istio.io/rev=" + selected;
    } else if ("true".equals(podLabels.get(IstioAnnotations.SIDECAR_INJECT))) {
      selected = "default";
      via = "pod label sidecar.istio.io/inject=true";
    } else if (enableNamespacesByDefault) {
      selected = "default";
      via = "injection is enabled for all namespaces";
    } else {
      return InjectionDecision.no(
          "",
          "neither namespace "
              + namespace
              + " (labels istio-injection or istio.io/rev) nor the pod (labels istio.io/rev or"
              + " sidecar.istio.io/inject=true) selects a control plane revision");
    }
    if (!servesRevision(selected)) {
      return InjectionDecision.no(
          selected, via + " selects revision " + selected + ", this injector serves " + revision);
    }
    InjectionDecision policy = podPolicy(pod);
    return new InjectionDecision(policy.inject(), selected, via + "; " + policy.reason());
  }

  private boolean servesRevision(String selected) {
    if (selected.equals(revision) || revisionTags.contains(selected)) {
      return true;
    }
    return selected.equals("default") && revision.equals("default");
  }

  /**
   * The injector's own part of the decision (Istio's {@code injectRequired}): host networking,
   * system namespaces, the pod's opt-in/out, never/always selectors, and the default policy.
   */
  public InjectionDecision podPolicy(Pod pod) {
    var meta = pod.getMetadata();
    Map<String, String> annotations =
        meta == null || meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    return podPolicy(
        meta == null ? null : meta.getNamespace(),
        labels(pod),
        annotations.get(IstioAnnotations.SIDECAR_INJECT),
        pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork()));
  }

  /**
   * The same decision from the only facts it reads, for callers that hold those facts rather than a
   * Pod (the health report decides this for every pod of the cluster on each poll: building a Pod
   * per pod only to read four fields back cost about 9 KB each).
   */
  public InjectionDecision podPolicy(
      String namespace, Map<String, String> labels, String injectAnnotation, boolean hostNetwork) {
    if (hostNetwork) {
      return InjectionDecision.no(revision, "pod uses host networking");
    }
    if (namespace != null && ignoredNamespaces.contains(namespace)) {
      return InjectionDecision.no(revision, "namespace " + namespace + " is never injected");
    }
    if (labels == null) {
      labels = Map.of();
    }
    String selector = injectAnnotation == null ? "" : injectAnnotation;
    String source = "annotation";
    if (labels.containsKey(IstioAnnotations.SIDECAR_INJECT)) {
      // The label is the newer API and wins over the annotation.
      selector = labels.get(IstioAnnotations.SIDECAR_INJECT);
      source = "label";
    }
    String invalid = "";
    switch (selector) {
      case "true":
        return InjectionDecision.yes(revision, "pod " + source + " sidecar.istio.io/inject=true");
      case "false":
        return InjectionDecision.no(revision, "pod " + source + " sidecar.istio.io/inject=false");
      case "":
        break;
      default:
        invalid =
            "invalid value '"
                + selector
                + "' for sidecar.istio.io/inject (only true and false count); ";
    }
    for (LabelSelector never : neverInjectSelector) {
      if (!isEmpty(never) && matches(never, labels)) {
        return InjectionDecision.no(revision, invalid + "pod labels match neverInjectSelector");
      }
    }
    for (LabelSelector always : alwaysInjectSelector) {
      if (!isEmpty(always) && matches(always, labels)) {
        return InjectionDecision.yes(revision, invalid + "pod labels match alwaysInjectSelector");
      }
    }
    return mode == Mode.ENABLED
        ? InjectionDecision.yes(revision, invalid + "injection policy is enabled")
        : InjectionDecision.no(
            revision, invalid + "injection policy is disabled and the pod does not opt in");
  }

  private static Map<String, String> labels(Pod pod) {
    return pod.getMetadata() == null || pod.getMetadata().getLabels() == null
        ? Map.of()
        : pod.getMetadata().getLabels();
  }

  private static boolean isEmpty(LabelSelector s) {
    return (s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
        && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty());
  }

  /** Kubernetes label selector semantics. */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> value != null && values.contains(value);
              case "NotIn" -> value == null || !values.contains(value);
              case "Exists" -> labels.containsKey(r.getKey());
              case "DoesNotExist" -> !labels.containsKey(r.getKey());
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
