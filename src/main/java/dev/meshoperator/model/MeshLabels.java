package dev.meshoperator.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Labels on managed objects, so informers can be scoped and owners found. */
public final class MeshLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "istio-operator";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String VERSION = "app.kubernetes.io/version";
  public static final String ISTIO_REV = "istio.io/rev";

  /** The namespace of the control plane an object belongs to (cluster-scoped objects too). */
  public static final String CONTROL_PLANE_NAMESPACE = "meshoperator.dev/control-plane-namespace";

  /**
   * The addon an object belongs to (prometheus, grafana, kiali, jaeger), so that {@code kubectl get
   * all -l meshoperator.dev/addon=kiali} lists exactly that addon's objects.
   */
  public static final String ADDON = "meshoperator.dev/addon";

  /** Informer selector matching everything this operator manages. */
  public static final String SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

  private MeshLabels() {}

  /** Common labels for an object of {@code component} belonging to {@code cp}. */
  public static Map<String, String> of(ControlPlane cp, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(PART_OF, "istio");
    labels.put(COMPONENT, component);
    labels.put(INSTANCE, cp.name());
    labels.put(ISTIO_REV, cp.revision());
    labels.put(CONTROL_PLANE_NAMESPACE, cp.namespace());
    return labels;
  }

  /**
   * Labels of an addon's objects: the common ones with component {@code addon}, {@link #ADDON}, and
   * {@code app}/{@code app.kubernetes.io/name} = the addon, which {@code istioctl dashboard}
   * selects its pods by.
   */
  public static Map<String, String> addon(ControlPlane cp, AddonSettings.Name addon) {
    Map<String, String> labels = of(cp, "addon");
    labels.put(ADDON, addon.id());
    labels.put(NAME, addon.id());
    labels.put("app", addon.id());
    return labels;
  }

  /** {@link #of} plus extra labels (Istio's own, such as {@code app: istiod}). */
  public static Map<String, String> of(
      ControlPlane cp, String component, Map<String, String> extra) {
    Map<String, String> labels = of(cp, component);
    labels.putAll(extra);
    return labels;
  }
}
