package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.DesiredHash;
import dev.meshoperator.model.IstioCrds;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.BulkUpdater;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Istio's CRDs, shared by every control plane in the cluster. Created and kept in shape, but never
 * deleted by the workflow: users' Istio configuration lives in them (see {@code
 * spec.purgeIstioCrdsOnDelete}). Their metadata is the same whichever MeshControlPlane applies
 * them, so two control planes never flip them back and forth.
 */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class IstioCrdsDependent
    extends KubernetesDependentResource<CustomResourceDefinition, MeshControlPlane>
    implements Creator<CustomResourceDefinition, MeshControlPlane>,
        BulkUpdater<CustomResourceDefinition, MeshControlPlane>,
        KubernetesBulkDependentResource<CustomResourceDefinition, MeshControlPlane> {

  /** Labels independent of any one MeshControlPlane. */
  public static final Map<String, String> LABELS =
      Map.of(
          MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE,
          MeshLabels.PART_OF, "istio",
          MeshLabels.COMPONENT, "crds");

  public IstioCrdsDependent() {
    super(CustomResourceDefinition.class);
  }

  @Override
  public Map<ResourceID, CustomResourceDefinition> desiredResources(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    Map<ResourceID, CustomResourceDefinition> desired = new LinkedHashMap<>();
    IstioCrds.all(LABELS)
        .forEach(
            crd ->
                desired.put(
                    new ResourceID(crd.getMetadata().getName()), DesiredHash.annotate(crd)));
    return desired;
  }

  @Override
  public Map<ResourceID, CustomResourceDefinition> getSecondaryResources(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    // Straight from the informer's cache, not through the secondary-to-primary index: the
    // CRDs are shared, and a control plane created after them is in no index entry of theirs.
    Set<String> ours = IstioCrds.names();
    return eventSource()
        .orElseThrow()
        .list()
        .filter(crd -> ours.contains(crd.getMetadata().getName()))
        .collect(
            Collectors.toMap(
                crd -> new ResourceID(crd.getMetadata().getName()), crd -> crd, (a, b) -> a));
  }

  @Override
  public void deleteTargetResource(
      MeshControlPlane primary,
      CustomResourceDefinition resource,
      ResourceID key,
      Context<MeshControlPlane> context) {
    // Never: a CRD dropped from the table may still hold users' objects.
  }

  /**
   * The apiserver normalizes CRDs (schemas, conversion, printer columns), so a field comparison
   * would re-apply every time; the recorded hash of what was applied is compared instead.
   */
  @Override
  public Matcher.Result<CustomResourceDefinition> match(
      CustomResourceDefinition actual,
      CustomResourceDefinition desired,
      MeshControlPlane primary,
      Context<MeshControlPlane> context) {
    return Matcher.Result.computed(
        Objects.equals(DesiredHash.of(actual), DesiredHash.of(desired)), desired);
  }

  /** No per-owner annotations: they would differ between control planes sharing the CRDs. */
  @Override
  protected void addSecondaryToPrimaryMapperAnnotations(
      CustomResourceDefinition desired, MeshControlPlane primary) {}

  /** A change to a shared CRD concerns every control plane. */
  @Override
  protected Optional<SecondaryToPrimaryMapper<CustomResourceDefinition>>
      getSecondaryToPrimaryMapper(EventSourceContext<MeshControlPlane> context) {
    return Optional.of(
        crd ->
            context
                .getPrimaryCache()
                .list()
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()));
  }
}
