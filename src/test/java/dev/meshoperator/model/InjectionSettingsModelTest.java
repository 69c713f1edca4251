package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.InjectionSpec;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.api.v1alpha1.ProxySpec;
import dev.meshoperator.injection.InjectionPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InjectionSettingsModelTest {

  /**
   * Istio's held-out case: with {@code inboundTrafficPolicy.mode: LOCALHOST} the proxy gets
   * REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION=true. The engine knew the setting; the production
   * path (a MeshControlPlane's meshConfig) never set it.
   */
  @Test
  void localhostInboundTrafficPolicyReachesTheProxy() {
    var localhost =
        ControlPlane.of(
            TestResources.mcp(
                "istio-system",
                "default",
                s -> s.meshConfig = Map.of("inboundTrafficPolicy", Map.of("mode", "LOCALHOST"))));
    var pod =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withNamespace("app")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("nginx")
            .endContainer()
            .endSpec()
            .build();
    assertThat(InjectionSettingsModel.settings(localhost, true).inboundTrafficPolicyLocalhost())
        .isTrue();
    var result =
        dev.meshoperator.injection.Injector.inject(
            pod, InjectionSettingsModel.settings(localhost, true));
    assertThat(result).isInstanceOf(dev.meshoperator.injection.InjectionResult.Injected.class);
    String injected =
        io.fabric8.kubernetes.client.utils.Serialization.asJson(
            ((dev.meshoperator.injection.InjectionResult.Injected) result).pod());
    assertThat(injected).contains("REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION");
    var passthrough =
        ControlPlane.of(
            TestResources.mcp(
                "istio-system",
                "default",
                s -> s.meshConfig = Map.of("inboundTrafficPolicy", Map.of("mode", "PASSTHROUGH"))));
    assertThat(InjectionSettingsModel.settings(passthrough, true).inboundTrafficPolicyLocalhost())
        .isFalse();
  }

  @Test
  void settingsComeFromTheControlPlane() {
    var cp =
        ControlPlane.of(
            TestResources.mcp(
                "mesh-ns",
                "canary",
                s -> {
                  s.setVersion("1.30.2");
                  s.meshConfig =
                      Map.of(
                          "trustDomain",
                          "example.org",
                          "defaultConfig",
                          Map.of("holdApplicationUntilProxyStarts", true));
                }));
    var settings = InjectionSettingsModel.settings(cp, true);
    assertThat(settings.hub()).isEqualTo("docker.io/istio");
    assertThat(settings.tag()).isEqualTo("1.30.2");
    assertThat(settings.revision()).isEqualTo("canary");
    assertThat(settings.caAddress()).isEqualTo("istiod-canary.mesh-ns.svc:15012");
    assertThat(settings.trustDomain()).isEqualTo("example.org");
    assertThat(settings.meshDefaultConfig().path("discoveryAddress").asText())
        .isEqualTo("istiod-canary.mesh-ns.svc:15012");
    assertThat(settings.meshDefaultConfig().path("holdApplicationUntilProxyStarts").asBoolean())
        .isTrue();
    assertThat(settings.nativeSidecars()).isTrue();
  }

  @Test
  void nativeSidecarModeAutoFollowsTheNodesAndOnOffOverride() {
    assertThat(InjectionSettingsModel.nativeSidecars(null, true)).isTrue();
    assertThat(InjectionSettingsModel.nativeSidecars(ProxySpec.NativeSidecars.AUTO, false))
        .isFalse();
    assertThat(InjectionSettingsModel.nativeSidecars(ProxySpec.NativeSidecars.ON, false)).isTrue();
    assertThat(InjectionSettingsModel.nativeSidecars(ProxySpec.NativeSidecars.OFF, true)).isFalse();
  }

  @Test
  void demoProfileUsesSmallProxyRequests() {
    var cp = ControlPlane.of(TestResources.mcp("n", "default", s -> s.setProfile(Profile.DEMO)));
    assertThat(
            InjectionSettingsModel.settings(cp, true)
                .proxyResources()
                .getRequests()
                .get("cpu")
                .toString())
        .isEqualTo("10m");
  }

  @Test
  void policyFollowsTheInjectionSpec() {
    var cp =
        ControlPlane.of(
            TestResources.mcp(
                "n",
                "default",
                s -> {
                  s.injection = new InjectionSpec();
                  s.injection.policy = InjectionSpec.Policy.DISABLED;
                }));
    assertThat(InjectionSettingsModel.policy(cp).mode()).isEqualTo(InjectionPolicy.Mode.DISABLED);
    assertThat(InjectionSettingsModel.policy(cp).revision()).isEqualTo("default");
  }
}
