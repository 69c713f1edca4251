package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.Gateways;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.BulkUpdater;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One kind of object of every gateway of a control plane (a JOSDK bulk dependent keyed by the
 * gateway's name and namespace): adding a gateway to the spec creates its object, removing it
 * deletes it. Only objects labeled with this dependent's component are its own: the informers of
 * other dependents of the same kind (istiod's Deployment, ...) feed the same secondary-resource
 * view, and a bulk dependent deletes whatever it sees and does not desire.
 */
abstract class GatewayBulkDependent<R extends HasMetadata>
    extends KubernetesDependentResource<R, MeshControlPlane>
    implements Creator<R, MeshControlPlane>,
        BulkUpdater<R, MeshControlPlane>,
        GarbageCollected<MeshControlPlane>,
        KubernetesBulkDependentResource<R, MeshControlPlane> {

  /** The informer selector of the gateways' dependents (with {@link MeshLabels#SELECTOR}). */
  static final String GATEWAYS =
      MeshLabels.COMPONENT + "=" + dev.meshoperator.model.GatewayModel.COMPONENT;

  /** The informer selector of the Gateway API gateways' dependents. */
  static final String KUBE_GATEWAYS =
      MeshLabels.COMPONENT + "=" + dev.meshoperator.model.KubeGatewayModel.COMPONENT;

  private final String component;

  GatewayBulkDependent(Class<R> type, String component) {
    super(type);
    this.component = component;
  }

  /** The object of {@code gateway}, or empty when that gateway has none of this kind. */
  protected Optional<R> desired(ControlPlane cp, Gateways.Gateway gateway) {
    return Optional.empty();
  }

  @Override
  public Map<ResourceID, R> desiredResources(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    ControlPlane cp = ControlPlane.of(primary);
    Map<ResourceID, R> desired = new LinkedHashMap<>();
    for (Gateways.Gateway g : Gateways.of(primary)) {
      desired(cp, g).ifPresent(r -> desired.put(ResourceID.fromResource(r), r));
    }
    return desired;
  }

  @Override
  public Map<ResourceID, R> getSecondaryResources(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    return context
        .getSecondaryResourcesAsStream(resourceType())
        .filter(secondaryResourceFilter(primary, context))
        .collect(Collectors.toMap(ResourceID::fromResource, r -> r, (a, b) -> a));
  }

  @Override
  public Predicate<R> secondaryResourceFilter(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    return r ->
        r.getMetadata().getLabels() != null
            && component.equals(r.getMetadata().getLabels().get(MeshLabels.COMPONENT))
            && primary
                .getMetadata()
                .getName()
                .equals(r.getMetadata().getLabels().get(MeshLabels.INSTANCE));
  }
}
