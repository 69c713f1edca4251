package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.config.OperatorConfig;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The MeshControlPlane controller's event sources besides its dependents' informers. */
final class ControlPlaneEventSources {

  private ControlPlaneEventSources() {}

  /**
   * The webhook Secret, shared by every control plane: its CA bundle goes into each revision's
   * MutatingWebhookConfiguration, so a rotation reconciles them all. With the health report
   * enabled, also the pods' health.
   */
  static List<EventSource<?, MeshControlPlane>> of(
      EventSourceContext<MeshControlPlane> context, OperatorConfig config, PodHealth health) {
    var secret =
        InformerEventSourceConfiguration.from(Secret.class, MeshControlPlane.class)
            .withName("webhook-secret")
            .withNamespaces(config.namespace())
            .withLabelSelector("app.kubernetes.io/component=webhook," + MeshLabels.SELECTOR)
            .withSecondaryToPrimaryMapper(
                s ->
                    context
                        .getPrimaryCache()
                        .list()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (MeshControlPlane p) ->
                    Set.of(new ResourceID(config.certificates().secretName(), config.namespace())))
            .build();
    if (!config.health().enabled()) {
      return List.of(new InformerEventSource<>(secret, context));
    }
    return List.of(
        new InformerEventSource<>(secret, context),
        health.eventSource(() -> context.getPrimaryCache().list()));
  }
}
