package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodRoles;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * ClusterRole GATEWAY_CONTROLLER (cluster-scoped, owned by the cluster-scoped CR: garbage-collected
 * with it).
 */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class GatewayControllerClusterRoleDependent
    extends CRUDKubernetesDependentResource<ClusterRole, MeshControlPlane> {

  public GatewayControllerClusterRoleDependent() {
    super(ClusterRole.class);
  }

  @Override
  protected ClusterRole desired(MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodRoles.clusterRole(ControlPlane.of(primary), IstiodRoles.Kind.GATEWAY_CONTROLLER);
  }
}
