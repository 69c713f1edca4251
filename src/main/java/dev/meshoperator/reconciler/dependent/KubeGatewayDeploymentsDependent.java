package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.model.KubeGatewayModel;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The Deployment of every Gateway API gateway of class istio of this revision. */
@KubernetesDependent(
    informer =
        @Informer(labelSelector = MeshLabels.SELECTOR + "," + GatewayBulkDependent.KUBE_GATEWAYS))
public class KubeGatewayDeploymentsDependent extends KubeGatewayBulkDependent<Deployment> {

  public KubeGatewayDeploymentsDependent() {
    super(Deployment.class, KubeGatewayModel::deployment);
  }
}
