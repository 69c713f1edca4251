package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshoperator.api.v1alpha1.InjectionSpec;
import dev.meshoperator.api.v1alpha1.Profile;
import dev.meshoperator.api.v1alpha1.ProxySpec;
import dev.meshoperator.injection.InjectionPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InjectionSettingsModelTest {

  /**
   * The production path against Istio's goldens: a default MeshControlPlane in istio-system with
   * the goldens' hub and tag derives exactly the settings behind Istio's injection corpus (which
   * the conformance test builds directly). Any default the model sets differently from Istio shows.
   */
  @Test
  void aDefaultControlPlaneWithTheGoldensImagesGivesTheCorpusSettings() {
    var cp =
        ControlPlane.of(
            TestResources.mcp(
                "istio-system",
                "default",
                s -> {
                  s.setHub("registry.istio.io/testing");
                  s.setTag("latest");
                }));
    var production = InjectionSettingsModel.settings(cp, true);
    var corpus = dev.meshoperator.injection.InjectionSettings.defaults();
    // The one difference: the model writes the mesh's discoveryAddress into the default
    // ProxyConfig, which Istio's tests leave to the built-in default of the same value.
    assertThat(production.meshDefaultConfig().path("discoveryAddress").asText())
        .isEqualTo("istiod.istio-system.svc:15012");
    assertThat(production.toBuilder().meshDefaultConfig(corpus.meshDefaultConfig()).build())
        .isEqualTo(corpus);
    // ...and it changes nothing injected: every default-settings input of the corpus injects the
    // same with both (the conformance test compares the latter with Istio's goldens).
    java.nio.file.Path dir =
        dev.meshoperator.testing.ProjectDir.get()
            .resolve("../shared/istio-inject-corpus")
            .normalize()
            .resolve("cases");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isDirectory(dir), "Istio injection corpus not found at " + dir);
    int compared = 0;
    for (String input :
        List.of(
            "hello.yaml", "hello-probes.yaml", "statefulset.yaml", "job.yaml", "daemonset.yaml")) {
      java.nio.file.Path f = dir.resolve(input);
      if (!java.nio.file.Files.exists(f)) {
        continue;
      }
      String yaml;
      try {
        yaml = java.nio.file.Files.readString(f);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      assertThat(dev.meshoperator.injection.KubeInject.inject(yaml, production).yaml())
          .as(input)
          .isEqualTo(dev.meshoperator.injection.KubeInject.inject(yaml, corpus).yaml());
      compared++;
    }
    assertThat(compared).isPositive();
  }

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
                  s.setVersion("1.29.6");
                  s.meshConfig =
                      Map.of(
                          "trustDomain",
                          "example.org",
                          "defaultConfig",
                          Map.of("holdApplicationUntilProxyStarts", true));
                }));
    var settings = InjectionSettingsModel.settings(cp, true);
    assertThat(settings.hub()).isEqualTo("docker.io/istio");
    assertThat(settings.tag()).isEqualTo("1.29.6");
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
