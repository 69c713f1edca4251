package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.KubeGatewayModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One kind of object of every Gateway API gateway of a revision, keyed by the Gateway: a Gateway of
 * class istio gets it, a deleted one (or one moved to another class or revision) loses it. Without
 * the Gateway API CRDs there are no Gateways in the context, and nothing is desired.
 */
abstract class KubeGatewayBulkDependent<R extends HasMetadata> extends GatewayBulkDependent<R> {

  private final BiFunction<ControlPlane, Gateway, R> build;

  KubeGatewayBulkDependent(Class<R> type, BiFunction<ControlPlane, Gateway, R> build) {
    super(type, KubeGatewayModel.COMPONENT);
    this.build = build;
  }

  @Override
  public Map<ResourceID, R> desiredResources(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    ControlPlane cp = ControlPlane.of(primary);
    Map<ResourceID, R> desired = new LinkedHashMap<>();
    context
        .getSecondaryResourcesAsStream(Gateway.class)
        .filter(KubeGatewayModel::ours)
        .filter(g -> g.getMetadata().getDeletionTimestamp() == null)
        .filter(g -> cp.revision().equals(KubeGatewayModel.revision(g)))
        .sorted(
            Comparator.comparing((Gateway g) -> g.getMetadata().getNamespace())
                .thenComparing(g -> g.getMetadata().getName()))
        .forEach(
            g -> {
              R r = build.apply(cp, g);
              desired.putIfAbsent(ResourceID.fromResource(r), r);
            });
    return desired;
  }
}
