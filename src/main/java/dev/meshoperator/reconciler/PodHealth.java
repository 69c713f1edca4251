package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.HealthStatus;
import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.config.OperatorConfig;
import dev.meshoperator.model.MeshNames;
import dev.meshoperator.model.PodSummary;
import dev.meshoperator.model.SidecarHealth;
import dev.meshoperator.webhook.MeshRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The pods behind the health report, and the event source that feeds it to the reconciler.
 *
 * <p>Memory: one pod informer over the whole cluster (a namespace may be labelled at any time, and
 * per-namespace informers would relist on every label change), whose store keeps each pod reduced
 * to its {@link SidecarHealth.PodFacts} (a few strings). Pods are read as {@link PodSummary}, list
 * pages and watch events alike ({@link PodSummaryClient}), so no whole Pod is ever built. It is
 * started on the first poll, which runs only on the leader: a standby replica holds no pods.
 *
 * <p>Load: pod events only update that store. Every {@code mesh-operator.health.interval} the
 * reports are recomputed from memory (no API call) and handed to JOSDK's {@link
 * PollingEventSource}, which triggers a reconcile only of the control planes whose report changed.
 * So a burst of 10,000 pods costs at most one reconcile per revision per interval, and a steady
 * cluster none.
 */
@ApplicationScoped
public class PodHealth {

  private static final Logger LOG = Logger.getLogger(PodHealth.class);

  private final KubernetesClient client;
  private final MeshRegistry registry;
  private final OperatorConfig config;
  private volatile SharedIndexInformer<PodSummary> informer;
  private KubernetesClient podClient;
  private volatile SlimPodStore store = new SlimPodStore();
  private volatile Map<ResourceID, Set<HealthStatus>> last = Map.of();

  public PodHealth(KubernetesClient client, MeshRegistry registry, OperatorConfig config) {
    this.client = client;
    this.registry = registry;
    this.config = config;
  }

  /** The event source whose secondary resource, per control plane, is its report. */
  PollingEventSource<HealthStatus, MeshControlPlane, String> eventSource(
      Supplier<Stream<MeshControlPlane>> primaries) {
    var configuration =
        new PollingConfigurationBuilder<HealthStatus, String>(
                () -> fetch(primaries.get().toList()), config.health().interval())
            .withName("pod-health")
            .withResourceIDMapper(ResourceIDMapper.singleResourceResourceIDMapper())
            .build();
    return new PollingEventSource<>(HealthStatus.class, configuration);
  }

  /**
   * The reports of {@code controlPlanes}; the previous ones while the caches are not synced (an
   * empty answer would drop every report and reconcile every control plane for nothing).
   */
  synchronized Map<ResourceID, Set<HealthStatus>> fetch(
      Collection<MeshControlPlane> controlPlanes) {
    SharedIndexInformer<PodSummary> pods = running();
    if (pods == null || !pods.hasSynced() || !registry.ready()) {
      return last;
    }
    Map<String, List<SidecarHealth.PodFacts>> byNamespace = new HashMap<>();
    store
        .facts()
        .forEach(p -> byNamespace.computeIfAbsent(p.namespace(), n -> new ArrayList<>()).add(p));
    var namespaces = registry.namespaces();
    Map<ResourceID, Set<HealthStatus>> next = new HashMap<>();
    for (MeshControlPlane cr : controlPlanes) {
      String revision = MeshNames.revision(cr);
      var served = registry.revision(revision);
      var policy = served.map(MeshRegistry.Revision::policy).orElse(null);
      String tag =
          served
              .map(MeshRegistry.Revision::settings)
              .map(s -> s == null ? null : s.tag())
              .orElse(null);
      next.put(
          ResourceID.fromResource(cr),
          Set.of(SidecarHealth.report(revision, policy, tag, namespaces, byNamespace)));
    }
    last = Map.copyOf(next);
    return last;
  }

  /** The pod informer, started (or restarted after it stopped) on demand. */
  private SharedIndexInformer<PodSummary> running() {
    SharedIndexInformer<PodSummary> current = informer;
    if (current != null && current.isRunning()) {
      return current;
    }
    if (current != null) {
      LOG.warn("The health report's pod informer stopped; starting a new one");
      current.stop();
    }
    try {
      SharedIndexInformer<PodSummary> fresh =
          podClient()
              .resources(PodSummary.class)
              .inAnyNamespace()
              .withLimit(500L)
              .runnableInformer(0);
      SlimPodStore freshStore = new SlimPodStore();
      fresh.itemStore(freshStore);
      store = freshStore;
      fresh.start();
      informer = fresh;
      return fresh;
    } catch (RuntimeException e) {
      LOG.warnf("The health report's pod informer could not start: %s", e.getMessage());
      informer = null;
      return null;
    }
  }

  /** The client the pod informer uses (see {@link PodSummaryClient}), made on first use. */
  private synchronized KubernetesClient podClient() {
    if (podClient == null) {
      podClient = PodSummaryClient.of(client);
    }
    return podClient;
  }

  void onStop(@Observes ShutdownEvent event) {
    SharedIndexInformer<PodSummary> current = informer;
    if (current != null) {
      current.stop();
    }
    synchronized (this) {
      if (podClient != null) {
        podClient.close();
      }
    }
  }

  /**
   * The informer's store: each pod kept as its {@link SidecarHealth.PodFacts}; what the informer
   * reads back is a summary rebuilt from them (identity and resourceVersion are all it needs).
   */
  static final class SlimPodStore implements ItemStore<PodSummary> {
    private final ConcurrentHashMap<String, SidecarHealth.PodFacts> pods =
        new ConcurrentHashMap<>();

    Stream<SidecarHealth.PodFacts> facts() {
      return pods.values().stream();
    }

    @Override
    public String getKey(PodSummary pod) {
      return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    @Override
    public PodSummary put(String key, PodSummary pod) {
      return summary(pods.put(key, SidecarHealth.PodFacts.of(pod)));
    }

    @Override
    public PodSummary remove(String key) {
      return summary(pods.remove(key));
    }

    @Override
    public Stream<String> keySet() {
      return pods.keySet().stream();
    }

    @Override
    public Stream<PodSummary> values() {
      return pods.values().stream().map(SidecarHealth.PodFacts::toSummary);
    }

    @Override
    public int size() {
      return pods.size();
    }

    @Override
    public PodSummary get(String key) {
      return summary(pods.get(key));
    }

    /** Not the objects as listed: the informer must not compare them with fresh ones. */
    @Override
    public boolean isFullState() {
      return false;
    }

    private static PodSummary summary(SidecarHealth.PodFacts facts) {
      return facts == null ? null : facts.toSummary();
    }
  }
}
