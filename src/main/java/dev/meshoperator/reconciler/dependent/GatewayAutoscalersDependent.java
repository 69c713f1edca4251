package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.GatewayModel;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;

/** The HorizontalPodAutoscaler of every autoscaled gateway. */
@KubernetesDependent(
    informer = @Informer(labelSelector = MeshLabels.SELECTOR + "," + GatewayBulkDependent.GATEWAYS))
public class GatewayAutoscalersDependent extends GatewayBulkDependent<HorizontalPodAutoscaler> {

  public GatewayAutoscalersDependent() {
    super(HorizontalPodAutoscaler.class, GatewayModel.COMPONENT);
  }

  @Override
  protected Optional<HorizontalPodAutoscaler> desired(ControlPlane cp, Gateways.Gateway gateway) {
    return GatewayModel.autoscaled(gateway)
        ? Optional.of(GatewayModel.autoscaler(cp, gateway))
        : Optional.empty();
  }
}
