package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodModel;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** istiod's HorizontalPodAutoscaler, when autoscaling is on. */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class IstiodAutoscalerDependent
    extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, MeshControlPlane> {

  public IstiodAutoscalerDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected HorizontalPodAutoscaler desired(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodModel.autoscaler(ControlPlane.of(primary));
  }
}
