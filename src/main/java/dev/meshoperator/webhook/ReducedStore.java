package dev.meshoperator.webhook;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An informer store that keeps each object reduced to what the webhook reads: the full objects only
 * pass through. Cluster-wide caches of Nodes and Namespaces are otherwise the operator's largest: a
 * Node carries its image list (up to 50 entries), conditions, addresses and a managedFields
 * history, some 10-20 KB of JSON each and several times that as Java objects, so a few thousand
 * nodes would cost more heap than everything else together. The informer still gets name and
 * resourceVersion back (all it compares); {@link #isFullState()} is false so it never takes a
 * stored object for the one the apiserver sent.
 */
final class ReducedStore<T extends HasMetadata> extends BasicItemStore<T> {

  private final UnaryOperator<T> reduce;

  ReducedStore(UnaryOperator<T> reduce) {
    super(Cache::metaNamespaceKeyFunc);
    this.reduce = reduce;
  }

  @Override
  public T put(String key, T obj) {
    return super.put(key, reduce.apply(obj));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  /** A Node as the webhook reads it: its name and kubelet version (native sidecars). */
  static Node node(Node n) {
    var meta = n.getMetadata();
    var info = n.getStatus() == null ? null : n.getStatus().getNodeInfo();
    var b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(meta.getName())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .endMetadata();
    if (info != null && info.getKubeletVersion() != null) {
      b.withNewStatus()
          .withNewNodeInfo()
          .withKubeletVersion(info.getKubeletVersion())
          .endNodeInfo()
          .endStatus();
    }
    return b.build();
  }

  /**
   * A Namespace as the webhook and the health report read it: its name and labels (injection
   * selection). Annotations, managedFields, spec and status are dropped.
   */
  static Namespace namespace(Namespace ns) {
    var meta = ns.getMetadata();
    Map<String, String> labels = meta.getLabels();
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(meta.getName())
        .withUid(meta.getUid())
        .withResourceVersion(meta.getResourceVersion())
        .withLabels(labels == null || labels.isEmpty() ? null : labels)
        .withDeletionTimestamp(meta.getDeletionTimestamp())
        .endMetadata()
        .build();
  }
}
