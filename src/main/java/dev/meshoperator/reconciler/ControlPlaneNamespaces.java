package dev.meshoperator.reconciler;

import dev.meshoperator.model.MeshLabels;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Creates a control plane's namespace when it does not exist, as {@code istioctl install} does.
 * Never deleted and never owned: other things (users' Secrets, Istio config) live there too, and
 * deleting {@code istio-system} is the user's last step of an uninstall, not the operator's.
 */
@ApplicationScoped
public class ControlPlaneNamespaces {

  private static final Logger LOG = Logger.getLogger(ControlPlaneNamespaces.class);

  private final KubernetesClient client;

  public ControlPlaneNamespaces(KubernetesClient client) {
    this.client = client;
  }

  public void ensure(String namespace) {
    var existing = client.namespaces().withName(namespace).get();
    if (existing != null) {
      if (existing.getMetadata().getDeletionTimestamp() != null) {
        throw new IllegalStateException(
            "namespace " + namespace + " is being deleted; the control plane waits for it");
      }
      return;
    }
    try {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(namespace)
                  .addToLabels(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE)
                  .endMetadata()
                  .build())
          .create();
      LOG.infof("Created namespace %s for a control plane", namespace);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
