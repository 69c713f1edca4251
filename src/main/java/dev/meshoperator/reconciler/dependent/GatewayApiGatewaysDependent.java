package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.KubeGatewayModel;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read-only: the users' Gateway API {@code Gateway}s of class {@code istio}, each mapped to the
 * MeshControlPlane of its revision ({@code istio.io/rev} label, else {@code default}). Its informer
 * is what the Gateway API gateways' dependents read, and it exists only while the Gateway API CRDs
 * are installed ({@link GatewayApiPresent}).
 */
public class GatewayApiGatewaysDependent
    extends KubernetesDependentResource<Gateway, MeshControlPlane>
    implements KubernetesBulkDependentResource<Gateway, MeshControlPlane> {

  public GatewayApiGatewaysDependent() {
    super(Gateway.class);
  }

  /** Nothing is created: the Gateways are the users'. */
  @Override
  public Map<ResourceID, Gateway> desiredResources(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    return Map.of();
  }

  @Override
  public void deleteTargetResource(
      MeshControlPlane primary, Gateway resource, ResourceID key, Context<MeshControlPlane> c) {
    // Never: the Gateways are the users'.
  }

  @Override
  protected Optional<SecondaryToPrimaryMapper<Gateway>> getSecondaryToPrimaryMapper(
      EventSourceContext<MeshControlPlane> context) {
    return Optional.of(
        gateway ->
            KubeGatewayModel.ours(gateway)
                ? Set.of(new ResourceID(KubeGatewayModel.revision(gateway)))
                : Set.of());
  }

  /**
   * The Gateway API's {@code gateways.gateway.networking.k8s.io} CRD is installed. JOSDK's check
   * stops after ten misses; CRDs are often installed after the operator, so this one keeps checking
   * (one GET at most every 10 s, during reconciles) until they appear.
   */
  public static class GatewayApiPresent
      extends CRDPresentActivationCondition<Gateway, MeshControlPlane> {
    public GatewayApiPresent() {
      super(Integer.MAX_VALUE, Duration.ofSeconds(10));
    }
  }
}
