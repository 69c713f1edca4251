package dev.meshoperator.model;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who installed each of Istio's CRDs: this operator (labeled {@link MeshLabels#MANAGED_BY} {@code
 * =} {@link MeshLabels#MANAGED_BY_VALUE}), someone else (Helm, istioctl, {@code kubectl apply}), or
 * nobody yet. Only the first and the last are the operator's to write: a CRD someone else installed
 * carries Istio's full schema (validation, CEL rules, {@code kubectl explain}), which the
 * operator's preserve-unknown-fields copies would replace, so it is left exactly as found.
 *
 * <p>Pure: the caller looks the CRDs up.
 */
public final class IstioCrdInventory {

  /** Where Istio's Helm charts put the release (e.g. {@code 1.30.3}). */
  static final String HELM_CHART = "helm.sh/chart";

  /** Where istioctl's installer records the release. */
  static final String ISTIOCTL_VERSION = "operator.istio.io/version";

  // "base-1.30.3" -> "1.30.3"; a label value is at most 63 characters anyway.
  private static final Pattern CHART = Pattern.compile("^[a-z][a-z0-9-]*?-(\\d[0-9A-Za-z.+_-]*)$");
  private static final Pattern VERSION = Pattern.compile("^v?\\d[0-9A-Za-z.+_-]{0,62}$");

  /** Names listed in full in a message up to this many; beyond it only counted. */
  static final int MAX_LISTED = 4;

  /** An Istio CRD installed by someone else, with the Istio release its labels name (or null). */
  public record External(String name, String istioVersion) {
    public External {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * @param ours names installed (or about to be created) by the operator, sorted
   * @param external the others, sorted by name
   */
  public record Summary(List<String> ours, List<External> external) {
    public Summary {
      ours = List.copyOf(ours);
      external = List.copyOf(external);
    }

    /** Whether the operator may write {@code name}: it is ours or absent. */
    public boolean writable(String name) {
      return external.stream().noneMatch(e -> e.name().equals(name));
    }

    /** For the {@code IstioCRDs} condition. */
    public String reason() {
      if (external.isEmpty()) {
        return "InstalledByOperator";
      }
      return ours.isEmpty() ? "InstalledExternally" : "PartlyInstalledExternally";
    }

    /** One bounded line: counts, the external ones' Istio releases, names when few. */
    public String message() {
      int total = ours.size() + external.size();
      if (external.isEmpty()) {
        return total
            + " Istio CRDs, all installed by the operator (preserve-unknown-fields schemas)";
      }
      String found =
          external.size()
              + " found installed by someone else ("
              + versions()
              + ") and left as they are";
      if (ours.isEmpty()) {
        return total + " Istio CRDs: all " + found;
      }
      return total
          + " Istio CRDs: "
          + ours.size()
          + " installed by the operator"
          + listed(ours)
          + ", "
          + found
          + listed(external.stream().map(External::name).toList());
    }

    private String versions() {
      TreeSet<String> known = new TreeSet<>();
      boolean unknown = false;
      for (External e : external) {
        if (e.istioVersion() == null) {
          unknown = true;
        } else {
          known.add(e.istioVersion());
        }
      }
      List<String> parts = new ArrayList<>();
      if (!known.isEmpty()) {
        parts.add("Istio " + String.join(", ", known));
      }
      if (unknown) {
        parts.add(known.isEmpty() ? "Istio release not labeled" : "some without a release label");
      }
      return String.join("; ", parts);
    }

    private static String listed(List<String> names) {
      return names.size() <= MAX_LISTED ? " (" + String.join(", ", names) + ")" : "";
    }
  }

  private IstioCrdInventory() {}

  /** Whether {@code crd} carries this operator's managed-by label. */
  public static boolean ours(CustomResourceDefinition crd) {
    var labels = crd.getMetadata().getLabels();
    return labels != null && MeshLabels.MANAGED_BY_VALUE.equals(labels.get(MeshLabels.MANAGED_BY));
  }

  /**
   * Classifies Istio's CRDs.
   *
   * @param found the CRDs of {@link IstioCrds#names()} that exist, by name; absent names are
   *     counted as the operator's (it creates them)
   */
  public static Summary of(Map<String, CustomResourceDefinition> found) {
    List<String> ours = new ArrayList<>();
    List<External> external = new ArrayList<>();
    for (String name : IstioCrds.names()) {
      CustomResourceDefinition crd = found.get(name);
      if (crd == null || ours(crd)) {
        ours.add(name);
      } else {
        external.add(new External(name, istioVersion(crd)));
      }
    }
    return new Summary(ours, external);
  }

  /**
   * The Istio release an externally installed CRD's labels name: {@code app.kubernetes.io/version}
   * (Istio's templated chart labels), else the {@code helm.sh/chart} suffix ({@code base-1.30.3}),
   * else istioctl's {@code operator.istio.io/version}; null if none does (e.g. {@code kubectl apply
   * -f crd-all.gen.yaml}, whose static labels name no release).
   */
  static String istioVersion(CustomResourceDefinition crd) {
    Map<String, String> labels = crd.getMetadata().getLabels();
    if (labels == null) {
      return null;
    }
    String v = labels.get(MeshLabels.VERSION);
    if (v != null && VERSION.matcher(v).matches()) {
      return v;
    }
    String chart = labels.get(HELM_CHART);
    if (chart != null) {
      var m = CHART.matcher(chart);
      if (m.matches()) {
        return m.group(1);
      }
    }
    v = labels.get(ISTIOCTL_VERSION);
    return v != null && VERSION.matcher(v).matches() ? v : null;
  }
}
