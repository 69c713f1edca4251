package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodRoles;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** istiod's Role in its namespace. */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class IstiodRoleDependent extends CRUDKubernetesDependentResource<Role, MeshControlPlane> {

  public IstiodRoleDependent() {
    super(Role.class);
  }

  @Override
  protected Role desired(MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodRoles.role(ControlPlane.of(primary));
  }
}
