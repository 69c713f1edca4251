package dev.meshoperator.model;

import dev.meshoperator.api.v1alpha1.MeshControlPlane;
import dev.meshoperator.api.v1alpha1.MeshControlPlaneSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.function.Consumer;

/** Builds MeshControlPlanes for model tests. */
public final class TestResources {

  private TestResources() {}

  public static MeshControlPlane mcp(
      String namespace, String name, Consumer<MeshControlPlaneSpec> spec) {
    var cr = new MeshControlPlane();
    cr.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withGeneration(1L)
            .withUid("00000000-0000-0000-0000-000000000001")
            .build());
    cr.setSpec(new MeshControlPlaneSpec());
    spec.accept(cr.getSpec());
    return cr;
  }

  public static MeshControlPlane mcp() {
    return mcp("istio-system", "mesh", s -> {});
  }
}
