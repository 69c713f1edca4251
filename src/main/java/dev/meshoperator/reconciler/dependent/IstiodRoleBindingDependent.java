package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodRoles;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Binds istiod's Role to its ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class IstiodRoleBindingDependent
    extends CRUDKubernetesDependentResource<RoleBinding, MeshControlPlane> {

  public IstiodRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  protected RoleBinding desired(MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodRoles.roleBinding(ControlPlane.of(primary));
  }
}
