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

/**
 * RoleBinding, in istiod's namespace, of the static ClusterRole with istiod's Secret access there
 * (its CA's Secrets).
 */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class IstiodSecretsRoleBindingDependent
    extends CRUDKubernetesDependentResource<RoleBinding, MeshControlPlane> {

  public IstiodSecretsRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  protected RoleBinding desired(MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodRoles.namespaceSecretsBinding(ControlPlane.of(primary));
  }
}
