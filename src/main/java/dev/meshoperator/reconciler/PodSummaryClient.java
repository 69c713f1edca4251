package dev.meshoperator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshoperator.config.BlackbirdCustomizer;
import dev.meshoperator.model.PodSummary;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The health report's own Kubernetes client: same configuration and HTTP client factory as the
 * operator's, but a serialization that reads every {@code v1 Pod} it meets by kind as a {@link
 * PodSummary}.
 *
 * <p>Why: the pod informer lists PodSummary pages (the list's item type is declared), but a watch
 * event's object is read by kind, so with the shared client each pod event became a whole fabric8
 * Pod (its tree first, then the bean, then Jackson's converters for the whole Pod model) and was
 * converted to a PodSummary afterwards. That cost twice the CPU of a plain read per event and
 * loaded the Pod model's classes and (de)serializers into an operator that may never inject a pod.
 * Registering PodSummary for the kind on the shared client instead would silently make any later
 * Pod watch of the operator lossy; a client of its own keeps that to the one informer built for it.
 */
final class PodSummaryClient {

  private PodSummaryClient() {}

  /** A new client (the caller closes it) reading pods by kind as PodSummary. */
  static KubernetesClient of(KubernetesClient operatorClient) {
    return new KubernetesClientBuilder()
        .withConfig(operatorClient.getConfiguration())
        .withKubernetesSerialization(serialization())
        .build();
  }

  /**
   * The serialization: PodSummary for v1 Pod, Status for v1 Status (a watch's ERROR event, such as
   * 410 Gone, which makes the informer relist: read as anything else it would be taken for a pod).
   * Nothing else is registered on purpose: searching the class path for every fabric8 model class,
   * as a default serialization does, would load thousands of classes this client never reads.
   */
  static KubernetesSerialization serialization() {
    ObjectMapper mapper = new ObjectMapper();
    new BlackbirdCustomizer().customize(mapper);
    var serialization = new KubernetesSerialization(mapper, false);
    serialization.registerKubernetesResource("v1", "Pod", PodSummary.class);
    serialization.registerKubernetesResource("v1", "Status", Status.class);
    return serialization;
  }
}
