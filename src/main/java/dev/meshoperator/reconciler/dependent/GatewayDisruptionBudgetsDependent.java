package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.GatewayModel;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;

/** The PodDisruptionBudget of every gateway with more than one replica. */
@KubernetesDependent(
    informer = @Informer(labelSelector = MeshLabels.SELECTOR + "," + GatewayBulkDependent.GATEWAYS))
public class GatewayDisruptionBudgetsDependent extends GatewayBulkDependent<PodDisruptionBudget> {

  public GatewayDisruptionBudgetsDependent() {
    super(PodDisruptionBudget.class, GatewayModel.COMPONENT);
  }

  @Override
  protected Optional<PodDisruptionBudget> desired(ControlPlane cp, Gateways.Gateway gateway) {
    return GatewayModel.disruptionBudgeted(gateway)
        ? Optional.of(GatewayModel.disruptionBudget(cp, gateway))
        : Optional.empty();
  }
}
