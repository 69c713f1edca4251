package dev.meshoperator.testing;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What a test gets from {@link LocalClusterExtension}: the shared control plane with CRDs and the
 * operator's RBAC installed, a cluster-admin client, and a client that is the operator's
 * ServiceAccount (so a test proves the generated RBAC is enough).
 */
public final class LocalCluster {

  private static boolean prepared;

  private final LocalControlPlane controlPlane;
  private final KubernetesClient admin;
  private final KubernetesClient operator;

  private LocalCluster(LocalControlPlane controlPlane) {
    this.controlPlane = controlPlane;
    this.admin = controlPlane.adminClient();
    this.operator =
        controlPlane.serviceAccountClient(
            ClusterSetup.OPERATOR_NAMESPACE, ClusterSetup.OPERATOR_SERVICE_ACCOUNT);
  }

  /** The shared control plane, prepared once per JVM. */
  public static synchronized LocalCluster get() {
    LocalControlPlane cp = LocalControlPlane.shared();
    if (!prepared && !Boolean.getBoolean("meshoperator.localkube.prepared")) {
      try (KubernetesClient admin = cp.adminClient()) {
        ClusterSetup.installCrds(admin);
        ClusterSetup.installOperatorRbac(admin);
      }
      System.setProperty("meshoperator.localkube.prepared", "true");
    }
    prepared = true;
    return new LocalCluster(cp);
  }

  public LocalControlPlane controlPlane() {
    return controlPlane;
  }

  /** cluster-admin (system:masters). */
  public KubernetesClient admin() {
    return admin;
  }

  /** The operator's ServiceAccount, bound to exactly the generated RBAC. */
  public KubernetesClient operator() {
    return operator;
  }

  void close() {
    admin.close();
    operator.close();
  }
}
