package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.IstioCrdDrift;
import dev.meshoperator.model.IstioCrdInventory;
import dev.meshoperator.model.IstioCrds;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Istio's CRDs, shared by every control plane in the cluster. Created and kept in shape, but never
 * deleted by the workflow: users' Istio configuration lives in them (see {@code
 * spec.purgeIstioCrdsOnDelete}). Their metadata is the same whichever MeshControlPlane applies
 * them, so two control planes never flip them back and forth.
 *
 * <p>Only the operator's own CRDs (those with its managed-by label) and absent ones are written. A
 * CRD of the same name installed by someone else (Helm, istioctl) holds Istio's real schema and is
 * left exactly as found: no apply, no label, no adoption. What was found is put in the workflow
 * context under {@link #INVENTORY} for the {@code IstioCRDs} condition.
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

  /** Key of the {@link IstioCrdInventory.Summary} in the managed workflow's context. */
  public static final String INVENTORY = "istio-crds-inventory";

  /** Earlier builds judged drift by a content hash kept here; dropped on the next correction. */
  static final String LEGACY_HASH_ANNOTATION = "meshoperator.dev/desired-hash";

  public IstioCrdsDependent() {
    super(CustomResourceDefinition.class);
  }

  @Override
  public Map<ResourceID, CustomResourceDefinition> desiredResources(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    IstioCrdInventory.Summary inventory = inventory(context);
    context.managedWorkflowAndDependentResourceContext().put(INVENTORY, inventory);
    Map<ResourceID, CustomResourceDefinition> desired = new LinkedHashMap<>();
    IstioCrds.all(LABELS).stream()
        .filter(crd -> inventory.writable(crd.getMetadata().getName()))
        .forEach(crd -> desired.put(new ResourceID(crd.getMetadata().getName()), crd));
    return desired;
  }

  /**
   * The informer sees only labeled (our) CRDs; any other name is looked up directly, so a CRD
   * installed by someone else is seen before anything is written. In the steady state where all are
   * ours, that is no request at all; with Istio's own CRDs installed, one GET per external name.
   */
  private IstioCrdInventory.Summary inventory(Context<MeshControlPlane> context) {
    Map<String, CustomResourceDefinition> found = new LinkedHashMap<>();
    getSecondaryResources(null, context).forEach((id, crd) -> found.put(id.getName(), crd));
    var crds = context.getClient().apiextensions().v1().customResourceDefinitions();
    for (String name : IstioCrds.names()) {
      if (!found.containsKey(name)) {
        var live = crds.withName(name).get();
        if (live != null) {
          found.put(name, live);
        }
      }
    }
    return IstioCrdInventory.of(found);
  }

  /**
   * A plain create, not server-side apply: should someone install a CRD of that name between the
   * lookup and now, the create fails (409) instead of taking their CRD over, and the next reconcile
   * sees it as theirs.
   */
  @Override
  public CustomResourceDefinition create(
      CustomResourceDefinition desired,
      MeshControlPlane primary,
      Context<MeshControlPlane> context) {
    try {
      return context.getClient().resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Another control plane's reconcile created it a moment ago: it is ours, and the next
      // comparison keeps it in shape. Anyone else's stays theirs; the retry sees it as such.
      var live = context.getClient().resource(desired).get();
      if (live != null && IstioCrdInventory.ours(live)) {
        return live;
      }
      throw new IllegalStateException(
          "CustomResourceDefinition "
              + desired.getMetadata().getName()
              + " was just created by someone else; it is left as it is");
    }
  }

  /**
   * Replaces the owned fields wholesale (an update with the cached resourceVersion, so a concurrent
   * change is a conflict, retried): server-side apply would keep a schema property someone else
   * added, since that field is theirs, and the drift would never go. Labels others added stay; the
   * hash annotation earlier releases used is dropped.
   */
  @Override
  public CustomResourceDefinition update(
      CustomResourceDefinition actual,
      CustomResourceDefinition desired,
      MeshControlPlane primary,
      Context<MeshControlPlane> context) {
    var next = new CustomResourceDefinitionBuilder(actual).build();
    Map<String, String> labels = new LinkedHashMap<>();
    if (actual.getMetadata().getLabels() != null) {
      labels.putAll(actual.getMetadata().getLabels());
    }
    labels.putAll(desired.getMetadata().getLabels());
    next.getMetadata().setLabels(labels);
    if (next.getMetadata().getAnnotations() != null) {
      next.getMetadata().getAnnotations().remove(LEGACY_HASH_ANNOTATION);
    }
    next.getMetadata().setManagedFields(null);
    next.setSpec(desired.getSpec());
    next.setStatus(null);
    return context.getClient().resource(next).update();
  }

  @Override
  public Map<ResourceID, CustomResourceDefinition> getSecondaryResources(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    // Straight from the informer's cache (and its record of this operator's own recent writes),
    // not through the secondary-to-primary index: the CRDs are shared, and a control plane created
    // after them is in no index entry of theirs.
    Map<ResourceID, CustomResourceDefinition> cached = new LinkedHashMap<>();
    for (String name : IstioCrds.names()) {
      ResourceID id = new ResourceID(name);
      eventSource().orElseThrow().get(id).ifPresent(crd -> cached.put(id, crd));
    }
    return cached;
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
   * The fields the operator owns, compared exactly ({@link IstioCrdDrift}): a {@code kubectl edit}
   * of a schema or of a served/storage flag is put back. (JOSDK's SSA matcher compares only the
   * fields the operator's field manager owns, so a property added by someone else would pass.)
   */
  @Override
  public Matcher.Result<CustomResourceDefinition> match(
      CustomResourceDefinition actual,
      CustomResourceDefinition desired,
      MeshControlPlane primary,
      Context<MeshControlPlane> context) {
    return Matcher.Result.computed(IstioCrdDrift.differences(desired, actual).isEmpty(), desired);
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
