package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MeshNamesTest {

  @Test
  void defaultRevisionHasNoSuffix() {
    var cr = TestResources.mcp();
    var cp = ControlPlane.of(cr);
    assertThat(MeshNames.revision(cr)).isEqualTo("default");
    assertThat(MeshNames.istiod(cp)).isEqualTo("istiod");
    assertThat(MeshNames.meshConfigMap(cp)).isEqualTo("istio");
    assertThat(MeshNames.istiodClusterRole(cp)).isEqualTo("istiod-clusterrole-istio-system");
  }

  @Test
  void emptyRevisionIsTheDefaultRevision() {
    var cp = ControlPlane.of(TestResources.mcp("istio-system", "default", s -> {}));
    assertThat(MeshNames.istiod(cp)).isEqualTo("istiod");
  }

  @Test
  void namedRevisionSuffixesRevisionScopedNamesAndClusterNamesCarryTheNamespace() {
    var cp = ControlPlane.of(TestResources.mcp("mesh-a", "canary", s -> {}));
    assertThat(MeshNames.istiod(cp)).isEqualTo("istiod-canary");
    assertThat(MeshNames.istiodServiceAccount(cp)).isEqualTo("istiod-canary");
    assertThat(MeshNames.meshConfigMap(cp)).isEqualTo("istio-canary");
    assertThat(MeshNames.validatingWebhook(cp)).isEqualTo("istio-validator-canary-mesh-a");
    assertThat(MeshNames.mutatingWebhook(cp)).isEqualTo("istio-sidecar-injector-canary-mesh-a");
    assertThat(cp.discoveryAddress()).isEqualTo("istiod-canary.mesh-a.svc:15012");
  }
}
