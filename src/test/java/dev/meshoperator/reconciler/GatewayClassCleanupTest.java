package dev.meshoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decisions of the GatewayClass cleanup: which classes are istiod's, and how long it waits for
 * istiod to stop. The calls to the apiserver are covered by QuickStartIT and MeshControlPlaneIT.
 */
class GatewayClassCleanupTest {

  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  private static GenericKubernetesResource gatewayClass(String name, Object spec) {
    var gc = new GenericKubernetesResource();
    gc.setApiVersion("gateway.networking.k8s.io/v1");
    gc.setKind("GatewayClass");
    gc.setMetadata(new ObjectMetaBuilder().withName(name).build());
    if (spec != null) {
      gc.setAdditionalProperty("spec", spec);
    }
    return gc;
  }

  private static Deployment istiod(Instant deletingSince) {
    var d = new DeploymentBuilder().withNewMetadata().withName("istiod").endMetadata().build();
    if (deletingSince != null) {
      d.getMetadata().setDeletionTimestamp(deletingSince.toString());
    }
    return d;
  }

  @Test
  void everyBuiltinClassWithIstiodsControllerIsDeleted() {
    assertThat(GatewayClassCleanup.CONTROLLER_OF_CLASS).hasSize(6);
    GatewayClassCleanup.CONTROLLER_OF_CLASS.forEach(
        (name, controller) ->
            assertThat(
                    GatewayClassCleanup.istiods(
                        gatewayClass(name, Map.of("controllerName", controller))))
                .as(name)
                .isTrue());
  }

  @Test
  void aClassOfAnotherNameOrControllerIsLeftAlone() {
    // A user's class run by istiod's controller, under a name of its own.
    assertThat(
            GatewayClassCleanup.istiods(
                gatewayClass("my-class", Map.of("controllerName", "istio.io/gateway-controller"))))
        .isFalse();
    // A builtin name run by someone else's controller.
    assertThat(
            GatewayClassCleanup.istiods(
                gatewayClass("istio", Map.of("controllerName", "example.com/gateway"))))
        .isFalse();
    // A builtin name with another builtin's controller.
    assertThat(
            GatewayClassCleanup.istiods(
                gatewayClass("istio", Map.of("controllerName", "istio.io/unmanaged-gateway"))))
        .isFalse();
  }

  @Test
  void aClassWithoutAControllerIsLeftAlone() {
    assertThat(GatewayClassCleanup.istiods(gatewayClass("istio", null))).isFalse();
    assertThat(GatewayClassCleanup.istiods(gatewayClass("istio", Map.of()))).isFalse();
    assertThat(GatewayClassCleanup.istiods(gatewayClass("istio", "not a map"))).isFalse();
  }

  @Test
  void aGoneIstiodHasStoppedARunningOneHasNot() {
    assertThat(GatewayClassCleanup.stopped(null, NOW)).isTrue();
    assertThat(GatewayClassCleanup.stopped(istiod(null), NOW)).isFalse();
  }

  @Test
  void aDeletingIstiodIsWaitedForAtMostTheBound() {
    Instant bound = NOW.minus(GatewayClassCleanup.MAX_ISTIOD_STOP);
    assertThat(GatewayClassCleanup.stopped(istiod(NOW.minusSeconds(5)), NOW)).isFalse();
    assertThat(GatewayClassCleanup.stopped(istiod(bound), NOW)).isFalse();
    assertThat(GatewayClassCleanup.stopped(istiod(bound.minusSeconds(1)), NOW)).isTrue();
  }
}
