package dev.meshoperator.webhook;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneStatus;
import dev.meshoperator.injection.InjectionPolicy;
import dev.meshoperator.injection.InjectionSettings;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.InjectionSettingsModel;
import dev.meshoperator.model.MeshNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * What the webhook needs to answer from memory: MeshControlPlanes, namespace labels and node
 * kubelet versions, each from an informer ({@link Informers}: started with retries, watched for
 * stopping). No request makes an API call, and nothing is derived per request: the control planes'
 * injection settings and the node facts are recomputed on informer events.
 *
 * <p>Never fail open: until every informer has synced, and whenever one has stopped, {@link
 * #ready()} is false; the webhook then refuses pods instead of admitting them uninjected, and
 * readiness is DOWN.
 */
@ApplicationScoped
public class MeshRegistry {

  private static final Logger LOG = Logger.getLogger(MeshRegistry.class);

  /** Said on the pod's injection when native sidecars were wanted (auto) but nodes are unknown. */
  public static final String NO_NODE_INFORMATION =
      "no node information: istio-proxy injected as a classic sidecar";

  /** One revision's control plane and what injection derives from it. */
  public record Revision(
      ControlPlane controlPlane,
      InjectionPolicy policy,
      InjectionSettings settings,
      String nativeSidecarsNote,
      String unusable) {

    /** A revision whose control plane cannot be read: its pods are refused, never admitted bare. */
    static Revision unusable(String why) {
      return new Revision(null, null, null, null, why);
    }
  }

  private final KubernetesClient client;
  private final Informers informers;
  private volatile Map<String, Revision> revisions = Map.of();
  private volatile NodeFacts nodeFacts = NodeFacts.of(List.of());
  private Supplier<Collection<MeshControlPlane>> controlPlaneSource = List::of;
  private Supplier<Collection<Node>> nodeSource = List::of;
  private Function<String, Namespace> namespaceSource = n -> null;
  private Supplier<Collection<Namespace>> namespacesSource = List::of;
  private Supplier<Boolean> readiness = () -> false;

  public MeshRegistry(KubernetesClient client) {
    this.client = client;
    this.informers = client == null ? null : new Informers("webhook-informers");
  }

  /** A registry over fixed objects, ready at once (tests of the handler without a cluster). */
  static MeshRegistry fixed(
      List<MeshControlPlane> controlPlanes, List<Namespace> namespaces, List<Node> nodes) {
    MeshRegistry r = new MeshRegistry(null);
    Map<String, Namespace> byName =
        namespaces.stream().collect(Collectors.toMap(n -> n.getMetadata().getName(), n -> n));
    r.controlPlaneSource = () -> controlPlanes;
    r.nodeSource = () -> nodes;
    r.namespaceSource = byName::get;
    r.namespacesSource = () -> namespaces;
    r.readiness = () -> true;
    r.recompute();
    return r;
  }

  void onStart(@Observes StartupEvent event) {
    if (client == null) {
      return; // built by fixed(): no cluster behind it
    }
    informers.add(
        MeshControlPlane.class,
        // inAnyNamespace also fits a cluster-scoped MeshControlPlane.
        () -> client.resources(MeshControlPlane.class).inAnyNamespace().runnableInformer(0),
        this::recompute);
    informers.add(
        Namespace.class,
        () -> reduced(client.namespaces().runnableInformer(0), ReducedStore::namespace),
        null);
    informers.add(
        Node.class,
        () -> reduced(client.nodes().runnableInformer(0), ReducedStore::node),
        this::onNodeEvent);
    controlPlaneSource = () -> informers.list(MeshControlPlane.class);
    nodeSource = () -> informers.list(Node.class);
    namespaceSource = name -> informers.get(Namespace.class, name);
    namespacesSource = () -> informers.list(Namespace.class);
    readiness = informers::allSynced;
    informers.startAll();
  }

  private static <T extends HasMetadata> SharedIndexInformer<T> reduced(
      SharedIndexInformer<T> informer, UnaryOperator<T> reduce) {
    informer.itemStore(new ReducedStore<>(reduce));
    return informer;
  }

  void onStop(@Observes ShutdownEvent event) {
    if (informers != null) {
      informers.stopAll();
    }
  }

  /** Every informer started, synced and still running. */
  public boolean ready() {
    return readiness.get();
  }

  /**
   * Stops one informer as if it had failed (its restart then follows the normal backoff); for
   * operators who want a fresh list of a kind, and for tests of the not-ready path.
   */
  public void stopInformer(Class<? extends HasMetadata> type) {
    if (informers != null) {
      informers.stop(type);
    }
  }

  /** Per informer: synced, starting (with the last error), or stopped; for the health check. */
  public Map<String, String> informerStates() {
    return informers == null ? Map.of() : informers.states();
  }

  /** The live control plane serving {@code revision}; the oldest claim wins, as in reconcile. */
  public Optional<Revision> revision(String revision) {
    return Optional.ofNullable(revisions.get(revision));
  }

  public Optional<ControlPlane> controlPlane(String revision) {
    return revision(revision).map(Revision::controlPlane);
  }

  public Map<String, String> namespaceLabels(String namespace) {
    if (namespace == null) {
      return Map.of();
    }
    Namespace ns = namespaceSource.apply(namespace);
    return ns == null || ns.getMetadata().getLabels() == null
        ? Map.of()
        : ns.getMetadata().getLabels();
  }

  /** Every namespace, from the webhook's informer (the health report reads their labels). */
  public Collection<Namespace> namespaces() {
    return namespacesSource.get();
  }

  /** Native sidecars need kubelet 1.33+ on every node (auto mode); no nodes known: no. */
  public boolean nodesSupportNativeSidecars() {
    return nodeFacts.supportNative();
  }

  NodeFacts nodeFacts() {
    return nodeFacts;
  }

  private void onNodeEvent() {
    NodeFacts before = nodeFacts;
    NodeFacts after = NodeFacts.of(nodeSource.get());
    if (!after.equals(before)) {
      recompute();
    }
  }

  /** Recomputes the per-revision settings; cheap, and only on informer events. */
  synchronized void recompute() {
    NodeFacts nodes = NodeFacts.of(nodeSource.get());
    if (nodes.count() == 0 && nodeFacts.count() != 0) {
      LOG.warn("No nodes known: native sidecars (auto) fall back to classic sidecars");
    }
    nodeFacts = nodes;
    Map<String, MeshControlPlane> winners = new HashMap<>();
    controlPlaneSource.get().stream()
        .filter(m -> m.getMetadata().getDeletionTimestamp() == null)
        .sorted(OLDEST_FIRST)
        .forEach(m -> winners.putIfAbsent(MeshNames.revision(m), m));
    Map<String, Revision> next = new LinkedHashMap<>();
    winners.forEach(
        (rev, cr) -> {
          if (cr.getSpec() != null && cr.getSpec().invalid() != null) {
            next.put(
                rev,
                Revision.unusable(
                    "MeshControlPlane " + name(cr) + " cannot be read: " + cr.getSpec().invalid()));
            return;
          }
          try {
            ControlPlane cp = ControlPlane.of(serving(cr));
            boolean wantsNative = InjectionSettingsModel.settings(cp, true).nativeSidecars();
            InjectionSettings settings = InjectionSettingsModel.settings(cp, nodes.supportNative());
            String note =
                wantsNative && !settings.nativeSidecars() && nodes.count() == 0
                    ? NO_NODE_INFORMATION
                    : null;
            next.put(
                rev, new Revision(cp, InjectionSettingsModel.policy(cp), settings, note, null));
          } catch (RuntimeException e) {
            // Its pods are refused (failing closed), and the reconciler reports the spec.
            LOG.warnf("MeshControlPlane %s is not usable for injection: %s", name(cr), e);
            next.put(
                rev,
                Revision.unusable(
                    "MeshControlPlane "
                        + name(cr)
                        + " is not usable for injection: "
                        + e.getMessage()));
          }
        });
    revisions = Map.copyOf(next);
  }

  /**
   * The control plane as it runs: when a version change was refused, istiod still runs the previous
   * version (status.version), so its sidecars keep that version's images rather than the refused
   * one's.
   */
  static MeshControlPlane serving(MeshControlPlane cr) {
    var status = cr.getStatus();
    if (cr.getSpec() == null || status == null || status.getVersion() == null) {
      return cr;
    }
    boolean versionRefused =
        status
            .condition(MeshControlPlaneStatus.RECONCILED)
            .map(c -> "False".equals(c.getStatus()) && "VersionRefused".equals(c.getReason()))
            .orElse(false);
    if (!versionRefused || status.getVersion().equals(cr.getSpec().getVersion())) {
      return cr;
    }
    var copy = new MeshControlPlane();
    copy.setMetadata(cr.getMetadata());
    copy.setStatus(status);
    copy.setSpec(
        Serialization.unmarshal(Serialization.asJson(cr.getSpec()), MeshControlPlaneSpec.class));
    copy.getSpec().setVersion(status.getVersion());
    return copy;
  }

  /** Oldest first by creationTimestamp (RFC 3339, sortable as text), then by name. */
  static final Comparator<MeshControlPlane> OLDEST_FIRST =
      Comparator.comparing(
              (MeshControlPlane m) -> m.getMetadata().getCreationTimestamp(),
              Comparator.nullsLast(Comparator.<String>naturalOrder()))
          .thenComparing(m -> m.getMetadata().getName());

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }

  /** What the nodes say, computed once per node event (never per request). */
  record NodeFacts(int count, boolean supportNative) {
    static NodeFacts of(Collection<Node> nodes) {
      boolean all =
          !nodes.isEmpty()
              && nodes.stream()
                  .map(
                      n ->
                          n.getStatus() == null || n.getStatus().getNodeInfo() == null
                              ? null
                              : n.getStatus().getNodeInfo().getKubeletVersion())
                  .allMatch(MeshRegistry::supportsNativeSidecars);
      return new NodeFacts(nodes.size(), all);
    }
  }

  static boolean supportsNativeSidecars(String kubeletVersion) {
    if (kubeletVersion == null) {
      return false;
    }
    String v = kubeletVersion.startsWith("v") ? kubeletVersion.substring(1) : kubeletVersion;
    String[] parts = v.split("[.]", 3);
    if (parts.length < 2) {
      return false;
    }
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = Integer.parseInt(parts[1].replaceAll("\\D.*$", ""));
      return major > 1 || (major == 1 && minor >= 33);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
