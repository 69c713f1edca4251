package dev.meshoperator.reconciler;

import dev.meshoperator.model.IstioCrds;
import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code spec.purgeIstioCrdsOnDelete}: deletes Istio's CRDs, and with them every Istio config
 * object in the cluster, once the last control plane goes. Only CRDs this operator installed
 * (labeled as managed by it) and only names from its table are touched, so CRDs installed by Helm
 * or istioctl stay.
 */
@ApplicationScoped
public class IstioCrdPurge {

  private final KubernetesClient client;

  public IstioCrdPurge(KubernetesClient client) {
    this.client = client;
  }

  /** Deletes them; returns how many were there to delete. */
  public int purge() {
    int deleted = 0;
    for (String name : IstioCrds.names()) {
      var crd = client.apiextensions().v1().customResourceDefinitions().withName(name);
      var found = crd.get();
      if (found == null
          || found.getMetadata().getLabels() == null
          || !MeshLabels.MANAGED_BY_VALUE.equals(
              found.getMetadata().getLabels().get(MeshLabels.MANAGED_BY))) {
        continue;
      }
      crd.delete();
      deleted++;
    }
    return deleted;
  }
}
