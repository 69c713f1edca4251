package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events on a MeshControlPlane. Callers emit only on transitions, so a steady
 * state writes nothing. A failure to record is logged, never fatal.
 */
@ApplicationScoped
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  /**
   * Events about a cluster-scoped object live in {@code default}, as the apiserver requires and as
   * Node events do; {@code kubectl describe mcp} finds them there.
   */
  public static final String EVENT_NAMESPACE = "default";

  static final String COMPONENT = "istio-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(MeshControlPlane cr, String reason, String message) {
    record(cr, "Normal", reason, message);
  }

  public void warning(MeshControlPlane cr, String reason, String message) {
    record(cr, "Warning", reason, message);
  }

  private void record(MeshControlPlane cr, String type, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                cr.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
            .withNamespace(EVENT_NAMESPACE)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(cr.getApiVersion())
                    .withKind(cr.getKind())
                    .withName(cr.getMetadata().getName())
                    .withUid(cr.getMetadata().getUid())
                    .withResourceVersion(cr.getMetadata().getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(EVENT_NAMESPACE).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.debugf(e, "Could not record event %s on %s", reason, cr.getMetadata().getName());
    }
  }
}
