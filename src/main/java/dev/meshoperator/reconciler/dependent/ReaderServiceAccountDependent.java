package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodRoles;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The istio-reader ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class ReaderServiceAccountDependent
    extends CRUDKubernetesDependentResource<ServiceAccount, MeshControlPlane> {

  public ReaderServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodRoles.readerServiceAccount(ControlPlane.of(primary));
  }
}
