package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.GatewayModel;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Optional;

/** Every gateway's RoleBinding to the Secret-reading ClusterRole (SDS). */
@KubernetesDependent(
    informer = @Informer(labelSelector = MeshLabels.SELECTOR + "," + GatewayBulkDependent.GATEWAYS))
public class GatewayRoleBindingsDependent extends GatewayBulkDependent<RoleBinding> {

  public GatewayRoleBindingsDependent() {
    super(RoleBinding.class, GatewayModel.COMPONENT);
  }

  @Override
  protected Optional<RoleBinding> desired(ControlPlane cp, Gateways.Gateway gateway) {
    return Optional.of(GatewayModel.secretsRoleBinding(cp, gateway));
  }
}
