package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MeshNamesTest {

  @Test
  void defaultRevisionHasNoSuffix() {
    var cr = TestResources.mcp();
    assertThat(MeshNames.revision(cr)).isEqualTo("default");
    assertThat(MeshNames.istiod(cr)).isEqualTo("istiod");
  }

  @Test
  void emptyRevisionIsTheDefaultRevision() {
    var cr = TestResources.mcp("istio-system", "mesh", s -> s.setRevision(""));
    assertThat(MeshNames.istiod(cr)).isEqualTo("istiod");
  }

  @Test
  void namedRevisionSuffixesRevisionScopedNames() {
    var cr = TestResources.mcp("istio-system", "canary", s -> s.setRevision("canary"));
    assertThat(MeshNames.revision(cr)).isEqualTo("canary");
    assertThat(MeshNames.istiod(cr)).isEqualTo("istiod-canary");
    assertThat(MeshNames.istiodServiceAccount(cr)).isEqualTo("istiod-canary");
  }
}
