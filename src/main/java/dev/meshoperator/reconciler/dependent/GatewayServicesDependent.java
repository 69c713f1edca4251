package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.GatewayModel;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;

/** Every gateway's Service. */
@KubernetesDependent(
    informer = @Informer(labelSelector = MeshLabels.SELECTOR + "," + GatewayBulkDependent.GATEWAYS))
public class GatewayServicesDependent extends GatewayBulkDependent<Service> {

  public GatewayServicesDependent() {
    super(Service.class, GatewayModel.COMPONENT);
  }

  @Override
  protected Optional<Service> desired(ControlPlane cp, Gateways.Gateway gateway) {
    return Optional.of(GatewayModel.service(cp, gateway));
  }
}
