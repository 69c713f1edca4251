package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodModel;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The mesh config ConfigMap istio[-rev]. */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class MeshConfigMapDependent
    extends CRUDKubernetesDependentResource<ConfigMap, MeshControlPlane> {

  public MeshConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodModel.meshConfigMap(ControlPlane.of(primary));
  }
}
