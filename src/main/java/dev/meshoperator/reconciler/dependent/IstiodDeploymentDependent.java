package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodModel;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** istiod's Deployment. */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class IstiodDeploymentDependent
    extends CRUDKubernetesDependentResource<Deployment, MeshControlPlane> {

  public IstiodDeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodModel.deployment(ControlPlane.of(primary));
  }
}
