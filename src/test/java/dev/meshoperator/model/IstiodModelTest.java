package dev.meshoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IstiodModelTest {

  @Test
  void serviceAccountIsInTheCrNamespaceWithManagedLabels() {
    var sa =
        IstiodModel.serviceAccount(
            TestResources.mcp("mesh-ns", "mesh", s -> s.setRevision("1-30-3")));
    assertThat(sa.getMetadata().getName()).isEqualTo("istiod-1-30-3");
    assertThat(sa.getMetadata().getNamespace()).isEqualTo("mesh-ns");
    assertThat(sa.getMetadata().getLabels())
        .containsEntry(MeshLabels.MANAGED_BY, MeshLabels.MANAGED_BY_VALUE)
        .containsEntry(MeshLabels.ISTIO_REV, "1-30-3")
        .containsEntry(MeshLabels.INSTANCE, "mesh")
        .containsEntry(MeshLabels.COMPONENT, "istiod");
  }

  @Test
  void desiredStateIsDeterministic() {
    var cr = TestResources.mcp();
    assertThat(IstiodModel.serviceAccount(cr)).isEqualTo(IstiodModel.serviceAccount(cr));
  }
}
