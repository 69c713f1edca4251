package dev.meshoperator.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * The Gateway API GatewayClasses istiod creates for itself ({@code istio}, {@code istio-remote},
 * and the ambient ones) carry no owner and no label of ours, so garbage collection leaves them
 * behind: the real istiod left {@code istio} and {@code istio-remote} after the last control plane
 * was deleted, pointing at a controller that no longer runs. They are deleted with the last
 * MeshControlPlane, and only those: a builtin name and istiod's controller name, so a class a user
 * made (another name, or another controller) stays.
 */
@ApplicationScoped
public class GatewayClassCleanup {

  /**
   * istiod's builtin classes and their controllers (pilot/pkg/config/kube/gatewaycommon/
   * classinfo.go and pkg/config/constants of the istio.io/istio module hack/build-istio.sh builds).
   */
  static final Map<String, String> CONTROLLER_OF_CLASS =
      Map.of(
          "istio", "istio.io/gateway-controller",
          "istio-remote", "istio.io/unmanaged-gateway",
          "istio-waypoint", "istio.io/mesh-controller",
          "istio-east-west", "istio.io/eastwest-controller",
          "istio-agentgateway", "istio.io/agentgateway-controller",
          "istio-agentgateway-waypoint", "istio.io/agentgateway-waypoint-controller");

  private final KubernetesClient client;

  public GatewayClassCleanup(KubernetesClient client) {
    this.client = client;
  }

  /** Deletes istiod's builtin GatewayClasses; returns how many. None when the CRD is absent. */
  public int deleteIstiodClasses() {
    int deleted = 0;
    try {
      for (GenericKubernetesResource gc :
          client
              .genericKubernetesResources("gateway.networking.k8s.io/v1", "GatewayClass")
              .list()
              .getItems()) {
        String name = gc.getMetadata().getName();
        Object spec = gc.getAdditionalProperties().get("spec");
        Object controller = spec instanceof Map<?, ?> m ? m.get("controllerName") : null;
        if (controller != null && controller.equals(CONTROLLER_OF_CLASS.get(name))) {
          client.resource(gc).delete();
          deleted++;
        }
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    return deleted;
  }
}
