package dev.meshoperator.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.webhook.AdmissionHandler;
import dev.meshoperator.webhook.FixedHandler;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The webhook's whole admission path minus HTTP: {@link AdmissionHandler#review} from the request
 * body's bytes to the encoded answer (decode the AdmissionReview, select the revision, inject,
 * build the JSON patch, encode the response), against a default MeshControlPlane and nodes that run
 * native sidecars. The pods are {@link AdmissionReviews}: Istio's two benchmark pods and realistic
 * ones; {@code hack/bench-compare.sh} runs this beside Istio's own benchmarks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class AdmissionBenchmark {

  @Param({
    "istio-small",
    "istio-2000-env",
    "typical",
    "many-containers",
    "many-probes",
    "many-annotations",
    "native-sidecar"
  })
  public String pod;

  AdmissionHandler handler;
  byte[] body;

  @Setup
  public void setUp() {
    MeshControlPlane mcp =
        Serialization.unmarshal(
            """
            apiVersion: meshoperator.dev/v1alpha1
            kind: MeshControlPlane
            metadata: {name: default, namespace: istio-system,
                       creationTimestamp: "2026-01-01T00:00:00Z"}
            spec: {profile: default}
            """,
            MeshControlPlane.class);
    handler =
        FixedHandler.of(
            List.of(mcp),
            List.of(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(AdmissionReviews.NAMESPACE)
                    .addToLabels("istio-injection", "enabled")
                    .endMetadata()
                    .build()),
            List.of(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName("node-1")
                    .endMetadata()
                    .withNewStatus()
                    .withNewNodeInfo()
                    .withKubeletVersion("v1.35.4")
                    .endNodeInfo()
                    .endStatus()
                    .build()),
            new SimpleMeterRegistry());
    body = AdmissionReviews.review(pod, "0b7e9d2c-5f4a-4e61-9d3b-6c2a1f8e7d90");
    ObjectNode answer = handler.review(body);
    if (!answer.path("response").path("allowed").asBoolean()
        || !answer.path("response").has("patch")) {
      throw new IllegalStateException("benchmark pod " + pod + " is not injected: " + answer);
    }
  }

  /** One AdmissionReview, bytes in, the answer out as the route writes it (its JSON text). */
  @Benchmark
  public String review() {
    return handler.review(body).toString();
  }
}
