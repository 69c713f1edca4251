package dev.meshoperator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshoperator.injection.InjectionResult;
import dev.meshoperator.injection.InjectionSettings;
import dev.meshoperator.injection.Injector;
import dev.meshoperator.injection.JsonPatches;
import dev.meshoperator.injection.KubeInject;
import dev.meshoperator.injection.WorkloadRef;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pure injection engine, single-threaded, in one JVM: no HTTP, no admission review
 * (de)serialization, no Kubernetes API. What an admission request costs the engine once the pod is
 * decoded, and what {@code kube-inject} costs per manifest once its YAML is in memory.
 *
 * <p>Run with {@code hack/bench.sh}; the annotations below are only the defaults of a direct run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(1)
public class InjectionBenchmark {

  /** A Deployment's pod as the webhook sees it: an app and a helper, ports, probes, resources. */
  static Pod typicalPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withGenerateName("reviews-v1-7d8f9c6b5-")
        .withNamespace("bookinfo")
        .withLabels(
            Map.of(
                "app", "reviews",
                "version", "v1",
                "pod-template-hash", "7d8f9c6b5"))
        .withAnnotations(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "9080"))
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName("reviews-v1-7d8f9c6b5")
        .withUid("6f1c2a9e-0d4b-4a43-9a51-1f2f4b0c9d11")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName("bookinfo-reviews")
        .addNewContainer()
        .withName("reviews")
        .withImage("docker.io/istio/examples-bookinfo-reviews-v1:1.20.2")
        .addNewPort()
        .withName("http")
        .withContainerPort(9080)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("metrics")
        .withContainerPort(9090)
        .endPort()
        .addNewEnv()
        .withName("LOG_DIR")
        .withValue("/tmp/logs")
        .endEnv()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/health/ready")
        .withPort(new IntOrString(9080))
        .endHttpGet()
        .withInitialDelaySeconds(5)
        .withPeriodSeconds(10)
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewHttpGet()
        .withPath("/health/live")
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(20)
        .endLivenessProbe()
        .withNewResources()
        .addToRequests("cpu", new Quantity("200m"))
        .addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .endResources()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .endContainer()
        .addNewContainer()
        .withName("log-shipper")
        .withImage("docker.io/fluent/fluent-bit:3.1")
        .addNewPort()
        .withName("http-metrics")
        .withContainerPort(2020)
        .endPort()
        .withNewLivenessProbe()
        .withNewTcpSocket()
        .withPort(new IntOrString(2020))
        .endTcpSocket()
        .endLivenessProbe()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/logs")
        .withReadOnly(true)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  /** Three documents: a Deployment of that pod, its Service and a ConfigMap (passed through). */
  static final String MANIFESTS =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: reviews-v1
        namespace: bookinfo
        labels: {app: reviews, version: v1}
      spec:
        replicas: 3
        selector:
          matchLabels: {app: reviews, version: v1}
        template:
          metadata:
            labels: {app: reviews, version: v1}
            annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9080"}
          spec:
            serviceAccountName: bookinfo-reviews
            containers:
              - name: reviews
                image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.2
                ports:
                  - {name: http, containerPort: 9080}
                  - {name: metrics, containerPort: 9090}
                readinessProbe:
                  httpGet: {path: /health/ready, port: 9080}
                livenessProbe:
                  httpGet: {path: /health/live, port: http}
                resources:
                  requests: {cpu: 200m, memory: 256Mi}
                  limits: {memory: 512Mi}
              - name: log-shipper
                image: docker.io/fluent/fluent-bit:3.1
                ports:
                  - {name: http-metrics, containerPort: 2020}
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        namespace: bookinfo
      spec:
        selector: {app: reviews}
        ports:
          - {name: http, port: 9080}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: reviews-config
        namespace: bookinfo
      data:
        LOG_LEVEL: info
      """;

  InjectionSettings nativeSidecars;
  InjectionSettings classicSidecars;
  Pod pod;
  WorkloadRef workload;
  Pod injected;

  @Setup
  public void setUp() {
    nativeSidecars = InjectionSettings.defaults();
    classicSidecars = InjectionSettings.defaults().toBuilder().nativeSidecars(false).build();
    pod = typicalPod();
    workload = WorkloadRef.fromPod(pod);
    InjectionResult result = Injector.inject(pod, workload, nativeSidecars);
    if (!result.injected()) {
      throw new IllegalStateException("benchmark pod is not injected: " + result);
    }
    injected = result.pod();
  }

  /** Injection with istio-proxy as a native sidecar (an init container, the default). */
  @Benchmark
  public InjectionResult injectNative() {
    return Injector.inject(pod, workload, nativeSidecars);
  }

  /** Injection with istio-proxy as a regular container (nodes older than Kubernetes 1.33). */
  @Benchmark
  public InjectionResult injectClassic() {
    return Injector.inject(pod, workload, classicSidecars);
  }

  /** The JSON patch from the pod to its injected form (what the webhook returns), alone. */
  @Benchmark
  public JsonNode jsonPatch() {
    return JsonPatches.diff(pod, injected);
  }

  /** The webhook's engine work per pod: inject, then diff into a JSON patch. */
  @Benchmark
  public JsonNode injectAndPatch() {
    return JsonPatches.diff(pod, Injector.inject(pod, workload, nativeSidecars).pod());
  }

  /** kube-inject of a three-document YAML stream: parse, inject the Deployment, write YAML. */
  @Benchmark
  public String kubeInjectYaml() {
    return KubeInject.inject(MANIFESTS, nativeSidecars).yaml();
  }
}
