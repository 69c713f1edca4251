package dev.meshoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.model.PodSummary;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class PodSummaryClientTest {

  static final String POD =
      """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop",
       "resourceVersion":"42","labels":{"app":"web"},
       "annotations":{"sidecar.istio.io/status":"{\\"revision\\":\\"default\\"}"},
       "managedFields":[{"manager":"kubelet"}]},
       "spec":{"hostNetwork":false,"volumes":[{"name":"tmp","emptyDir":{}}],
        "containers":[{"name":"web","image":"nginx"},
         {"name":"istio-proxy","image":"docker.io/istio/proxyv2:1.30.3"}]},
       "status":{"phase":"Running","podIP":"10.0.0.7"}}""";

  /** Watch events carry their object by kind: a pod event's object is read as a PodSummary. */
  @Test
  void aPodWatchEventIsReadAsAPodSummary() {
    WatchEvent event =
        PodSummaryClient.serialization()
            .unmarshal("{\"type\":\"MODIFIED\",\"object\":" + POD + "}", WatchEvent.class);
    assertThat(event.getObject()).isInstanceOf(PodSummary.class);
    PodSummary pod = (PodSummary) event.getObject();
    assertThat(pod.getMetadata().getName()).isEqualTo("web-1");
    assertThat(pod.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(pod.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(pod.getSpec().containers())
        .extracting(PodSummary.ContainerRef::image)
        .containsExactly("nginx", "docker.io/istio/proxyv2:1.30.3");
    assertThat(pod.getStatus().phase()).isEqualTo("Running");
  }

  /** The informer's error handling needs a Status to stay a Status (410 Gone means relist). */
  @Test
  void aWatchErrorStaysAStatusAndABookmarkCarriesItsResourceVersion() {
    var serialization = PodSummaryClient.serialization();
    WatchEvent error =
        serialization.unmarshal(
            """
            {"type":"ERROR","object":{"apiVersion":"v1","kind":"Status","status":"Failure",
             "reason":"Expired","code":410,"message":"too old resource version"}}""",
            WatchEvent.class);
    assertThat(error.getObject()).isInstanceOf(Status.class);
    assertThat(((Status) error.getObject()).getCode()).isEqualTo(410);
    WatchEvent bookmark =
        serialization.unmarshal(
            """
            {"type":"BOOKMARK","object":{"apiVersion":"v1","kind":"Pod",
             "metadata":{"resourceVersion":"12746"}}}""",
            WatchEvent.class);
    assertThat(bookmark.getObject()).isInstanceOf(PodSummary.class);
    assertThat(((PodSummary) bookmark.getObject()).getMetadata().getResourceVersion())
        .isEqualTo("12746");
  }

  /** The registration is the health client's own: a default serialization still reads a Pod. */
  @Test
  void otherSerializationsStillReadWholePods() {
    PodSummaryClient.serialization();
    KubernetesResource pod = new KubernetesSerialization().unmarshal(POD, KubernetesResource.class);
    assertThat(pod).isInstanceOf(Pod.class);
    assertThat(((Pod) pod).getStatus().getPodIP()).isEqualTo("10.0.0.7");
  }
}
