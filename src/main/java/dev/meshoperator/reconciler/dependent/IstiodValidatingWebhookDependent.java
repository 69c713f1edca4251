package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.IstiodModel;
import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.WebhookComparison;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * istiod's ValidatingWebhookConfiguration (cluster-scoped: deleted by the workflow on cleanup, not
 * by garbage collection). istiod owns its caBundle and failurePolicy; see {@link
 * WebhookComparison}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class IstiodValidatingWebhookDependent
    extends CRUDKubernetesDependentResource<ValidatingWebhookConfiguration, MeshControlPlane> {

  public IstiodValidatingWebhookDependent() {
    super(ValidatingWebhookConfiguration.class);
  }

  @Override
  protected ValidatingWebhookConfiguration desired(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    return IstiodModel.validatingWebhook(ControlPlane.of(primary));
  }

  @Override
  public Matcher.Result<ValidatingWebhookConfiguration> match(
      ValidatingWebhookConfiguration actual,
      MeshControlPlane primary,
      Context<MeshControlPlane> context) {
    return match(actual, getOrComputeDesired(context), primary, context);
  }

  @Override
  public Matcher.Result<ValidatingWebhookConfiguration> match(
      ValidatingWebhookConfiguration actual,
      ValidatingWebhookConfiguration desired,
      MeshControlPlane primary,
      Context<MeshControlPlane> context) {
    return Matcher.Result.computed(WebhookComparison.sameAsDesired(actual, desired), desired);
  }
}
