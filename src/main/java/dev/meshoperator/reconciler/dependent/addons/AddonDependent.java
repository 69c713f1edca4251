package dev.meshoperator.reconciler.dependent.addons;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.function.Function;

/**
 * One object of an addon, desired as its model builder says. Each subclass is one dependent (its
 * own informer, selected by the addon's label), gated in the workflow by the addon's {@link
 * AddonConditions} precondition: when the addon is turned off JOSDK deletes exactly this object.
 */
public abstract class AddonDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, MeshControlPlane> {

  private final Function<ControlPlane, R> model;

  AddonDependent(Class<R> type, Function<ControlPlane, R> model) {
    super(type);
    this.model = model;
  }

  @Override
  protected R desired(MeshControlPlane primary, Context<MeshControlPlane> context) {
    return model.apply(ControlPlane.of(primary));
  }
}
