package dev.meshoperator.packaging;

import dev.meshoperator.model.MeshLabels;
import dev.meshoperator.model.OperatorRbac;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's own installation, as pure data: its Namespace, Deployment, the Services in front
 * of its webhook and metrics, a PodDisruptionBudget and a NetworkPolicy. The kustomize base ({@link
 * KustomizeLayout}) and the OLM bundle are generated from these, so the two install paths cannot
 * drift apart.
 */
public final class OperatorInstall {

  public static final String NAME = OperatorRbac.NAME;

  /** The Service the injector webhooks reference ({@code mesh-operator.webhook.service-name}). */
  public static final String WEBHOOK_SERVICE = "istio-operator-webhook";

  /** The Service a ServiceMonitor scrapes (health and metrics on the management port). */
  public static final String METRICS_SERVICE = "istio-operator-metrics";

  /** The HTTPS port the webhook listens on in the container ({@code quarkus.http.ssl-port}). */
  public static final int WEBHOOK_PORT = 8443;

  /** The Service port the apiserver calls ({@code mesh-operator.webhook.service-port}). */
  public static final int WEBHOOK_SERVICE_PORT = 443;

  /** Health and metrics, plain HTTP ({@code quarkus.management.port}). */
  public static final int MANAGEMENT_PORT = 9000;

  public static final String WEBHOOK_PORT_NAME = "https-webhook";
  public static final String MANAGEMENT_PORT_NAME = "http-metrics";

  /** Two replicas: the webhook sits on every pod creation in labeled namespaces. */
  public static final int REPLICAS = 2;

  private OperatorInstall() {}

  /** The labels selecting the operator's pods (never changed: a Deployment's selector is fixed). */
  public static Map<String, String> selector() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MeshLabels.NAME, NAME);
    labels.put(MeshLabels.COMPONENT, "operator");
    return labels;
  }

  private static Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>(selector());
    labels.put(MeshLabels.PART_OF, NAME);
    return labels;
  }

  public static Namespace namespace(String namespace) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(namespace)
        .withLabels(Map.of(MeshLabels.PART_OF, NAME))
        .endMetadata()
        .build();
  }

  /**
   * The operator Deployment: two replicas spread over nodes, each serving the webhook while only
   * the leader reconciles; non-root, read-only root filesystem, no capabilities, seccomp
   * RuntimeDefault; a writable emptyDir at /tmp for Vert.x' file cache.
   */
  public static Deployment deployment(String namespace, String image) {
    Map<String, String> podLabels = new LinkedHashMap<>(labels());
    // Never injected, even if someone labels the operator's namespace.
    podLabels.put("sidecar.istio.io/inject", "false");
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .withLabels(labels())
        .endMetadata()
        .withNewSpec()
        .withReplicas(REPLICAS)
        .withRevisionHistoryLimit(3)
        .withNewSelector()
        .withMatchLabels(selector())
        .endSelector()
        // Never below the desired count during a rollout: the webhook must stay reachable.
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(NAME)
        .withTerminationGracePeriodSeconds(30L)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        // Preferred, not required: a one-node cluster (kind) must still run both replicas.
        .withNewAffinity()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector()
        .withMatchLabels(selector())
        .endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        .addNewContainer()
        .withName("operator")
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .withEnv(env())
        .withPorts(ports())
        // Up to two minutes to start (a JVM on a busy node), then liveness takes over.
        .withStartupProbe(probe("/q/health/started", 2, 60))
        .withLivenessProbe(probe("/q/health/live", 10, 3))
        // Ready only when the webhook can serve: informers synced and a certificate loaded.
        .withReadinessProbe(probe("/q/health/ready", 5, 2))
        .withNewResources()
        .withRequests(quantities("100m", "256Mi"))
        .withLimits(quantities("1", "512Mi"))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .withSizeLimit(new Quantity("64Mi"))
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** cpu, then memory: a fixed order, so the generated files are the same on every build. */
  private static Map<String, Quantity> quantities(String cpu, String memory) {
    Map<String, Quantity> q = new LinkedHashMap<>();
    q.put("cpu", new Quantity(cpu));
    q.put("memory", new Quantity(memory));
    return q;
  }

  private static List<EnvVar> env() {
    return List.of(
        fieldRef("MESH_OPERATOR_NAMESPACE", "metadata.namespace"),
        // The leader-election identity (OperatorConfig.LeaderElection#identity).
        fieldRef("POD_NAME", "metadata.name"),
        // Heap from the container's memory limit, not the node's; the heap given back after a
        // GC once more than 20 % of it is free (MaxHeapFreeRatio): with ~60 MiB live at 10,000
        // pods the JVM would otherwise keep the ~150 MiB it grew to at the start (README,
        // "Operator at scale"). TrimNativeHeapInterval: every 10 s the JVM hands glibc's free
        // malloc memory back to the OS; the C2 compiler's arenas (~60 MiB at their peak during
        // the start) are freed into malloc, which otherwise keeps them resident (~50 MiB).
        // MaxNewSize: the young generation otherwise grows with the heap (a third of it) and
        // stays at ~25 MiB once the informers' initial lists are done; 16 MiB of it keeps the
        // heap ~20 MiB smaller idle at 10,000 pods, for a minor collection every ~12 MiB
        // allocated (a few hundred admissions), which with a ~45 MiB live heap is short.
        // UseSerialGC: what the JVM picks itself under the 1-CPU limit, made explicit so a larger
        // limit does not switch to G1 (more native memory, and no shorter admission pauses here:
        // README, "Webhook over HTTPS"). inflationThreshold: no generated accessor class per
        // reflected method (over a thousand, ~25 MiB RSS at 10,000 pods with what they keep on the
        // heap); Jackson, the one heavy user of reflection, goes through Blackbird instead
        // (BlackbirdCustomizer). -TieredCompilation: the interpreter profiles and only C2
        // compiles, so the code cache holds the hot code alone, not C1's profiled copies of
        // everything the start ran once (code cache and profiles ~19 MiB less RSS at 10,000
        // pods); the webhook's steady state is C2 code either way (same CPU per review in
        // WebhookProcessBenchIT), only its first thousands of reviews run slower.
        new EnvVarBuilder()
            .withName("JAVA_OPTS_APPEND")
            .withValue(
                "-XX:+UseSerialGC -XX:MaxRAMPercentage=75.0 -XX:MinHeapFreeRatio=10"
                    + " -XX:MaxHeapFreeRatio=20 -XX:MaxNewSize=16m -XX:TrimNativeHeapInterval=10000"
                    + " -XX:-TieredCompilation -Dsun.reflect.inflationThreshold=2147483647"
                    + " -XX:+ExitOnOutOfMemoryError")
            .build(),
        // glibc's malloc makes up to 8 arenas per CPU for the JVM's ~90 threads, each keeping
        // freed memory resident; two are plenty for a JVM, whose heap is not malloc'ed.
        new EnvVarBuilder().withName("MALLOC_ARENA_MAX").withValue("2").build());
  }

  private static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static List<ContainerPort> ports() {
    return List.of(
        new ContainerPortBuilder()
            .withName(WEBHOOK_PORT_NAME)
            .withContainerPort(WEBHOOK_PORT)
            .withProtocol("TCP")
            .build(),
        new ContainerPortBuilder()
            .withName(MANAGEMENT_PORT_NAME)
            .withContainerPort(MANAGEMENT_PORT)
            .withProtocol("TCP")
            .build());
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(MANAGEMENT_PORT_NAME))
        .withScheme("HTTP")
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(2)
        .build();
  }

  /** What the injector webhooks' {@code service:} references point at. */
  public static Service webhookService(String namespace) {
    return service(
        namespace, WEBHOOK_SERVICE, labels(), "https", WEBHOOK_SERVICE_PORT, WEBHOOK_PORT_NAME);
  }

  /** Health and metrics (Prometheus text on /q/metrics), for a ServiceMonitor. */
  public static Service metricsService(String namespace) {
    Map<String, String> labels = new LinkedHashMap<>(labels());
    labels.put("meshoperator.dev/metrics", "true");
    return service(
        namespace,
        METRICS_SERVICE,
        labels,
        MANAGEMENT_PORT_NAME,
        MANAGEMENT_PORT,
        MANAGEMENT_PORT_NAME);
  }

  /** A ClusterIP Service in front of the operator's pods with one TCP port. */
  private static Service service(
      String namespace,
      String name,
      Map<String, String> labels,
      String portName,
      int port,
      String targetPortName) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector())
        .addNewPort()
        .withName(portName)
        .withPort(port)
        .withTargetPort(new IntOrString(targetPortName))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** One replica may be evicted at a time; the other keeps serving the webhook. */
  public static PodDisruptionBudget disruptionBudget(String namespace) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .withLabels(labels())
        .endMetadata()
        .withNewSpec()
        .withMinAvailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(selector())
        .endSelector()
        .endSpec()
        .build();
  }

  /**
   * Ingress to the operator's pods: the webhook port from anywhere the pod network sees the
   * apiserver's calls come from, the management port only from namespaces labeled {@value
   * #SCRAPE_LABEL}={@code true}; nothing else. Kubelet probes are not subject to NetworkPolicy on
   * the common CNIs. The apiserver's source address cannot be named portably (a static pod on the
   * host network, or a managed control plane outside the pod network), so the webhook port is not
   * narrowed further; README "NetworkPolicy" says how to narrow it with an ipBlock.
   */
  public static NetworkPolicy networkPolicy(String namespace) {
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .withLabels(labels())
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(selector())
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(WEBHOOK_PORT))
        .endPort()
        .endIngress()
        .addNewIngress()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(MANAGEMENT_PORT))
        .endPort()
        .addNewFrom()
        .withNewNamespaceSelector()
        .withMatchLabels(Map.of(SCRAPE_LABEL, "true"))
        .endNamespaceSelector()
        .endFrom()
        .endIngress()
        .endSpec()
        .build();
  }

  /** Namespaces allowed to reach the management port (metrics). */
  public static final String SCRAPE_LABEL = "meshoperator.dev/scrape-operator";
}
