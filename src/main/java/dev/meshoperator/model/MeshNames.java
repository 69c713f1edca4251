package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;

/**
 * Every name this operator gives a managed object. Revision-scoped objects carry the revision as a
 * suffix ({@code istiod-canary}); cluster-scoped objects also carry the namespace so several
 * control planes in different namespaces never collide.
 */
public final class MeshNames {

  /** The name Istio uses for the revision when none is set. */
  public static final String DEFAULT_REVISION = "default";

  private MeshNames() {}

  /** The effective revision: the spec's revision, or {@code default}. */
  public static String revision(MeshControlPlane cr) {
    String rev = cr.getSpec().getRevision();
    return rev == null || rev.isEmpty() ? DEFAULT_REVISION : rev;
  }

  /** {@code base} for the default revision, {@code base-<revision>} otherwise. */
  public static String revisioned(MeshControlPlane cr, String base) {
    String rev = revision(cr);
    return DEFAULT_REVISION.equals(rev) ? base : base + "-" + rev;
  }

  /** istiod's Deployment, Service and ServiceAccount: {@code istiod[-rev]}. */
  public static String istiod(MeshControlPlane cr) {
    return revisioned(cr, "istiod");
  }

  /** The ServiceAccount istiod runs as. Istio names it after the Deployment. */
  public static String istiodServiceAccount(MeshControlPlane cr) {
    return istiod(cr);
  }
}
