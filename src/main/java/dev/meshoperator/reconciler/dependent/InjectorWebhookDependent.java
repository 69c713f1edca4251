package dev.meshoperator.reconciler.dependent;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.certs.WebhookCertificates;
import dev.meshoperator.config.OperatorConfig;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.MutatingWebhookModel;
import dev.meshoperator.model.WebhookComparison;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The revision's MutatingWebhookConfiguration pointing at this operator's injection endpoint. With
 * the built-in issuer its caBundle is the CA bundle from the webhook Secret (read from the informer
 * cache), so a rotation or a removed caBundle is corrected by the next reconcile.
 */
@ApplicationScoped
@KubernetesDependent(informer = @Informer(labelSelector = MeshLabels.SELECTOR))
public class InjectorWebhookDependent
    extends CRUDKubernetesDependentResource<MutatingWebhookConfiguration, MeshControlPlane> {

  @Inject OperatorConfig config;

  public InjectorWebhookDependent() {
    super(MutatingWebhookConfiguration.class);
  }

  @Override
  protected MutatingWebhookConfiguration desired(
      MeshControlPlane primary, Context<MeshControlPlane> context) {
    String caBundle = null;
    if ("self-signed".equals(config.certificates().source())) {
      caBundle =
          context
              .getSecondaryResource(Secret.class)
              .map(s -> s.getData() == null ? null : s.getData().get(WebhookCertificates.CA_BUNDLE))
              .orElse(null);
    }
    return MutatingWebhookModel.webhook(
        ControlPlane.of(primary),
        endpoint(config),
        caBundle,
        caBundle == null
            ? config.certificates().certManagerCertificate()
            : java.util.Optional.empty());
  }

  static MutatingWebhookModel.Endpoint endpoint(OperatorConfig config) {
    var w = config.webhook();
    return new MutatingWebhookModel.Endpoint(
        w.url(), w.serviceName(), config.namespace(), w.servicePort(), w.path());
  }

  @Override
  public Matcher.Result<MutatingWebhookConfiguration> match(
      MutatingWebhookConfiguration actual,
      MeshControlPlane primary,
      Context<MeshControlPlane> context) {
    return match(actual, getOrComputeDesired(context), primary, context);
  }

  @Override
  public Matcher.Result<MutatingWebhookConfiguration> match(
      MutatingWebhookConfiguration actual,
      MutatingWebhookConfiguration desired,
      MeshControlPlane primary,
      Context<MeshControlPlane> context) {
    return Matcher.Result.computed(WebhookComparison.sameAsDesired(actual, desired), desired);
  }
}
