package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodRoles;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * ClusterRoleBinding of the static Secret-reading ClusterRole to istiod's and the reader's
 * ServiceAccounts (cluster-scoped, owned by the cluster-scoped CR: garbage-collected with it).
 */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class IstiodSecretsReaderBindingDependent
    extends CRUDKubernetesDependentResource<ClusterRoleBinding, MeshControlPlane> {

  public IstiodSecretsReaderBindingDependent() {
    super(ClusterRoleBinding.class);
  }

  @Override
  protected ClusterRoleBinding desired(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodRoles.secretsReaderBinding(ControlPlane.of(primary));
  }
}
