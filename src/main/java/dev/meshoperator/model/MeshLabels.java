package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels on every managed object, so informers can be scoped and owners found. */
public final class MeshLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "istio-operator";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String ISTIO_REV = "istio.io/rev";

  /**
   * Owner CR's namespace/name, for cluster-scoped objects where owner references cannot be used.
   */
  public static final String OWNER_NAMESPACE = "meshoperator.dev/owner-namespace";

  public static final String OWNER_NAME = "meshoperator.dev/owner-name";

  /** Informer selector matching everything this operator manages. */
  public static final String SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

  private MeshLabels() {}

  /** Common labels for an object of {@code component} belonging to {@code cr}. */
  public static Map<String, String> of(MeshControlPlane cr, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(PART_OF, "istio");
    labels.put(COMPONENT, component);
    labels.put(INSTANCE, cr.getMetadata().getName());
    labels.put(ISTIO_REV, MeshNames.revision(cr));
    return labels;
  }
}
