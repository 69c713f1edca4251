package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.GatewayModel;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;

/** Every gateway's ServiceAccount. */
@KubernetesDependent(
    informer = @Informer(labelSelector = MeshLabels.SELECTOR + "," + GatewayBulkDependent.GATEWAYS))
public class GatewayServiceAccountsDependent extends GatewayBulkDependent<ServiceAccount> {

  public GatewayServiceAccountsDependent() {
    super(ServiceAccount.class, GatewayModel.COMPONENT);
  }

  @Override
  protected Optional<ServiceAccount> desired(ControlPlane cp, Gateways.Gateway gateway) {
    return Optional.of(GatewayModel.serviceAccount(cp, gateway));
  }
}
