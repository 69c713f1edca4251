package dev.meshoperator.reconciler;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.model.MeshNames;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

  /**
   * How long the cleanup waits for istiod's pods to go; past it (pods stuck terminating on a lost
   * node, say) it goes on rather than block the uninstall.
   */
  static final Duration MAX_ISTIOD_STOP = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final Clock clock;

  public GatewayClassCleanup(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Deletes the control plane's istiod Deployment, foreground (it stays until its pods are gone),
   * and tells whether it is gone: a running istiod recreates a deleted builtin class at once (the
   * real one did), so the classes can go only after it.
   */
  public boolean istiodStopped(MeshControlPlane cr) {
    var istiod =
        client
            .apps()
            .deployments()
            .inNamespace(MeshNames.namespace(cr))
            .withName(MeshNames.istiod(cr));
    Deployment d = istiod.get();
    if (stopped(d, clock.instant())) {
      return true;
    }
    if (d.getMetadata().getDeletionTimestamp() == null) {
      istiod.withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
    }
    return false;
  }

  /**
   * Whether the cleanup may go on past istiod's Deployment {@code d} (null when absent): it is
   * gone, or it has been deleting for longer than {@link #MAX_ISTIOD_STOP}. Pure.
   */
  static boolean stopped(Deployment d, Instant now) {
    if (d == null) {
      return true;
    }
    if (d.getMetadata().getDeletionTimestamp() == null) {
      return false;
    }
    Instant since = Instant.parse(d.getMetadata().getDeletionTimestamp());
    return since.plus(MAX_ISTIOD_STOP).isBefore(now);
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
        if (istiods(gc)) {
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

  /**
   * Whether istiod made this GatewayClass: one of its builtin names with that name's controller. A
   * class of another name, or of a builtin name with another controller, is someone else's. Pure.
   */
  static boolean istiods(GenericKubernetesResource gc) {
    String name = gc.getMetadata().getName();
    Object spec = gc.getAdditionalProperties().get("spec");
    Object controller = spec instanceof Map<?, ?> m ? m.get("controllerName") : null;
    return controller != null && controller.equals(CONTROLLER_OF_CLASS.get(name));
  }
}
