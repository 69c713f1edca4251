package dev.meshoperator.webhook;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.cli.CliMode;
import dev.meshoperator.model.ControlPlane;
import dev.meshoperator.model.MeshNames;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * What the webhook needs to answer from memory: MeshControlPlanes, namespace labels and node
 * kubelet versions, each from an informer. No request makes an API call.
 */
@ApplicationScoped
public class MeshRegistry {

  private static final Logger LOG = Logger.getLogger(MeshRegistry.class);
  private static final Pattern KUBELET = Pattern.compile("v?(\\d+)\\.(\\d+).*");

  private final KubernetesClient client;
  private SharedIndexInformer<MeshControlPlane> controlPlanes;
  private SharedIndexInformer<Namespace> namespaces;
  private SharedIndexInformer<Node> nodes;

  public MeshRegistry(KubernetesClient client) {
    this.client = client;
  }

  void onStart(@Observes StartupEvent event) {
    if (Boolean.getBoolean(CliMode.PROPERTY)) {
      return; // a command-line run (kube-inject) serves no webhook and needs no cluster
    }
    try {
      controlPlanes = client.resources(MeshControlPlane.class).inform();
      namespaces = client.namespaces().inform();
      nodes = client.nodes().inform();
    } catch (RuntimeException e) {
      // The webhook then answers "no control plane" until the informers can start.
      LOG.error("Cannot start the informers the injection webhook reads", e);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    for (var informer : new SharedIndexInformer<?>[] {controlPlanes, namespaces, nodes}) {
      if (informer != null) {
        informer.stop();
      }
    }
  }

  /** The live control plane serving {@code revision}; the oldest claim wins, as in reconcile. */
  public Optional<MeshControlPlane> forRevision(String revision) {
    if (controlPlanes == null) {
      return Optional.empty();
    }
    return controlPlanes.getStore().list().stream()
        .filter(m -> m.getMetadata().getDeletionTimestamp() == null)
        .filter(m -> revision.equals(MeshNames.revision(m)))
        .min(
            Comparator.comparing((MeshControlPlane m) -> m.getMetadata().getCreationTimestamp())
                .thenComparing(m -> m.getMetadata().getName()));
  }

  public Optional<ControlPlane> controlPlane(String revision) {
    return forRevision(revision).map(ControlPlane::of);
  }

  public Map<String, String> namespaceLabels(String namespace) {
    if (namespaces == null || namespace == null) {
      return Map.of();
    }
    Namespace ns = namespaces.getStore().getByKey(namespace);
    return ns == null || ns.getMetadata().getLabels() == null
        ? Map.of()
        : ns.getMetadata().getLabels();
  }

  /** Native sidecars need kubelet 1.33+ on every node (auto mode). No nodes: assume yes. */
  public boolean nodesSupportNativeSidecars() {
    if (nodes == null) {
      return true;
    }
    return nodes.getStore().list().stream()
        .map(
            n ->
                n.getStatus() == null || n.getStatus().getNodeInfo() == null
                    ? null
                    : n.getStatus().getNodeInfo().getKubeletVersion())
        .allMatch(MeshRegistry::supportsNativeSidecars);
  }

  static boolean supportsNativeSidecars(String kubeletVersion) {
    if (kubeletVersion == null) {
      return false;
    }
    Matcher m = KUBELET.matcher(kubeletVersion);
    if (!m.matches()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 1 || (major == 1 && minor >= 33);
  }
}
