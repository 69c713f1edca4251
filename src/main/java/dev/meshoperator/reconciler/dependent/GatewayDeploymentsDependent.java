package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.GatewayModel;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;

/** Every gateway's Deployment. */
@KubernetesDependent(
    informer = @Informer(labelSelector = MeshLabels.SELECTOR + "," + GatewayBulkDependent.GATEWAYS))
public class GatewayDeploymentsDependent extends GatewayBulkDependent<Deployment> {

  public GatewayDeploymentsDependent() {
    super(Deployment.class, GatewayModel.COMPONENT);
  }

  @Override
  protected Optional<Deployment> desired(ControlPlane cp, Gateways.Gateway gateway) {
    return Optional.of(GatewayModel.deployment(cp, gateway));
  }
}
