package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.IstiodSpec;
import dev.meshoperator.api.v1alpha1.Profile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlPlaneTest {

  @Test
  void tagDefaultsToVersionAndImagesComeFromHub() {
    var cp =
        ControlPlane.of(
            TestResources.mcp(
                "ns",
                "m",
                s -> {
                  s.setVersion("1.29.6");
                  s.setHub("registry.example/istio");
                }));
    assertThat(cp.tag()).isEqualTo("1.29.6");
    assertThat(cp.istiod().image()).isEqualTo("registry.example/istio/pilot:1.29.6");
  }

  @Test
  void explicitImageOverridesHubAndTag() {
    var cp =
        ControlPlane.of(
            TestResources.mcp(
                "ns",
                "m",
                s -> {
                  s.istiod = new IstiodSpec();
                  s.istiod.image = "mirror/pilot@sha256:abc";
                }));
    assertThat(cp.istiod().image()).isEqualTo("mirror/pilot@sha256:abc");
  }

  @Test
  void profilesSelectComponents() {
    assertThat(
            ControlPlane.of(TestResources.mcp("n", "default", s -> s.setProfile(Profile.DEFAULT))))
        .satisfies(
            cp -> {
              assertThat(cp.istiodEnabled()).isTrue();
              assertThat(cp.ingressGateway()).isTrue();
              assertThat(cp.egressGateway()).isFalse();
              assertThat(cp.addons().anyEnabled()).isFalse();
            });
    assertThat(ControlPlane.of(TestResources.mcp("n", "default", s -> s.setProfile(Profile.DEMO))))
        .satisfies(
            cp -> {
              assertThat(cp.egressGateway()).isTrue();
              assertThat(cp.addons().anyEnabled()).isTrue();
              assertThat(cp.traceSampling()).isEqualTo(100.0);
            });
    assertThat(
            ControlPlane.of(TestResources.mcp("n", "default", s -> s.setProfile(Profile.MINIMAL))))
        .satisfies(cp -> assertThat(cp.ingressGateway()).isFalse());
    assertThat(ControlPlane.of(TestResources.mcp("n", "default", s -> s.setProfile(Profile.EMPTY))))
        .satisfies(cp -> assertThat(cp.istiodEnabled()).isFalse());
  }

  @Test
  void deepMergeMergesMapsAndReplacesListsWithoutTouchingInputs() {
    Map<String, Object> base = Map.of("a", Map.of("x", 1, "y", 2), "l", List.of(1, 2), "s", "base");
    Map<String, Object> over = Map.of("a", Map.of("y", 3), "l", List.of(9), "t", true);
    var merged = ControlPlane.deepMerge(base, over);
    assertThat(merged)
        .containsEntry("a", Map.of("x", 1, "y", 3))
        .containsEntry("l", List.of(9))
        .containsEntry("s", "base")
        .containsEntry("t", true);
    assertThat(base).containsEntry("a", Map.of("x", 1, "y", 2));
  }

  @Test
  void autoscalingMaxNeverBelowMin() {
    var cp =
        ControlPlane.of(
            TestResources.mcp(
                "n",
                "m",
                s -> {
                  s.istiod = new IstiodSpec();
                  s.istiod.autoscaling = new IstiodSpec.AutoscalingSpec();
                  s.istiod.autoscaling.minReplicas = 7;
                }));
    assertThat(cp.istiod().maxReplicas()).isEqualTo(7);
  }
}
